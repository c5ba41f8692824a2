#!/usr/bin/env bash
# Benchmarks Cairn against RocksDB, LMDB and Xodus and writes a Markdown report.
#   bench/run.sh quick   # 1 KiB values, 20,000 objects, every store: under 10 minutes on 2 cores
#   bench/run.sh full    # 64 B, 1 KiB, 64 KiB values, 1,000,000 objects (40,000 at 64 KiB);
#                        # writes bench/RESULTS.md; about an hour on 2 cores, about 20 min
#                        # with --sizes 1024 (the size the disk backend's goals are set for);
#                        # needs the machine to itself and ~15 GB free under bench/target
#   bench/run.sh smoke   # a minute or two: proves the harness works, figures mean nothing
# Extra options go to the harness: --sizes 64,1024 --count N --reps N --targets rocksdb,lmdb
#   --work DIR (default bench/target/work) --out FILE (default bench/target/bench-PASS.md)
#   --prof jfr (a JFR recording of every JMH benchmark, under the work directory)
set -euo pipefail
cd "$(dirname "$0")/.."
pass="${1:?usage: bench/run.sh smoke|quick|full [harness options]}"
shift
out="bench/target/bench-$pass.md"
if [[ "$pass" == full ]]; then
  out="bench/RESULTS.md"
fi
./mvnw -q -B -pl bench -am package -DskipTests
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  commit="$commit with uncommitted changes"
fi
jar="$(ls bench/target/cairn-bench-*.jar | grep -v -e sources -e javadoc | head -n 1)"
exec java -Xmx1g \
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  "-Dbench.command=bench/run.sh $pass${*:+ $*}" \
  "-Dbench.commit=$commit" \
  -cp "$jar:$(cat bench/target/bench.classpath)" \
  dev.cairn.bench.Bench "$pass" --out "$out" "$@"
