#!/usr/bin/env bash
# The postgres: store against hand-written pgjdbc, on a throwaway PostgreSQL server (started
# and stopped by backend-postgres/src/test/scripts/pg-server.sh), 1 KiB objects:
#   bench/postgres.sh            # interleaved ratios, then JMH: ingest and reads, pool (and
#                                # JMH threads) 1, 2, 4, 8
#   bench/postgres.sh -t 1 ...   # extra options go to JMH (they replace the thread sweep)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip
state=bench/target/pg-server
bash backend-postgres/src/test/scripts/pg-server.sh start "$state"
trap 'bash backend-postgres/src/test/scripts/pg-server.sh stop "$state"' EXIT
port=$(cat "$state/port")
jar="$(ls bench/target/cairn-bench-*.jar | grep -v -e sources -e javadoc | head -n 1)"
run() {
  java -Xmx512m -cp "$jar:$(cat bench/target/bench.classpath)" org.openjdk.jmh.Main \
    PostgresBenchmark -p port="$port" -f 1 -wi 2 -w 3s -i 3 -r 5s "$@"
}
# The ratios first, the two sides taking turns in one thread (a busy machine tilts neither).
java -Xmx512m -cp "$jar:$(cat bench/target/bench.classpath)" dev.cairn.bench.PostgresInterleaved \
  "$port" cairn-test 500
if [[ $# -gt 0 ]]; then
  run "$@"
else
  for threads in 1 2 4 8; do
    run -t "$threads" -p pool="$threads"
  done
fi
