#!/usr/bin/env bash
# The s3: store against the raw AWS SDK v2 (the SDK the store uses, configured alike), on a
# throwaway single-node Ceph RGW (started and stopped by backend-s3/src/test/scripts/rgw.sh, as
# for the integration tests), 1 KiB objects:
#   bench/s3.sh               # interleaved ratios (ingest, point reads, cached reads, bytes
#                             # stored, open time with 1,000 packs), then JMH, one thread
#   bench/s3.sh -t 4 ...      # extra options go to JMH
#   S3_ROUNDS=40 bench/s3.sh  # rounds of ingest of the interleaved run (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip
state=bench/target/rgw
bash backend-s3/src/test/scripts/rgw.sh start "$state" >/dev/null
trap 'bash backend-s3/src/test/scripts/rgw.sh stop "$state"' EXIT
jar="$(ls bench/target/cairn-bench-*.jar | grep -v -e sources -e javadoc | head -n 1)"
classpath="$jar:$(cat bench/target/bench.classpath)"
# The ratios first, the two sides taking turns in one thread (a busy machine tilts neither).
java -Xmx512m -cp "$classpath" dev.cairn.bench.S3Interleaved "$state" bench/target/s3-work \
  "${S3_ROUNDS:-20}"
if [[ $# -eq 0 ]]; then
  set -- -t 1
fi
java -Xmx512m -cp "$classpath" org.openjdk.jmh.Main S3Benchmark \
  -p rgw="$state" -p work=bench/target/s3-work -f 1 -wi 1 -w 3s -i 3 -r 5s "$@"
