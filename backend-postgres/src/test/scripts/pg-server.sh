#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests of backend-postgres.
#
#   pg-server.sh start STATE_DIR   install PostgreSQL if missing (root only), create a cluster in
#                                  a fresh temporary directory, start it on a free loopback port
#   pg-server.sh restart STATE_DIR start the same cluster again (after a crash) on its port
#   pg-server.sh stop STATE_DIR    stop the server and delete the cluster
#
# STATE_DIR receives: port, cluster (the temporary directory), bin (the server's binaries) and
# users (name password, one a line). The cluster holds a database "cairn" owned by the role
# "cairn" (password "cairn-test") and a role "reader" (password "reader-test") with no right to
# create anything. Only loopback TCP is listened on; the Unix socket is inside the cluster.
#
# Environment: PG_SEARCH (glob of server binary directories, default
# /usr/lib/postgresql/*/bin), PG_PACKAGE (default postgresql-15), PG_INSTALL_DRY_RUN=1 (print the
# install commands instead of running them).
set -euo pipefail

command=${1:?usage: pg-server.sh start|restart|stop STATE_DIR}
state=${2:?usage: pg-server.sh start|restart|stop STATE_DIR}
package=${PG_PACKAGE:-postgresql-15}
search=${PG_SEARCH:-/usr/lib/postgresql/*/bin}

fail() {
  echo "pg-server: $*" >&2
  exit 1
}

find_bin() {
  local dir found=""
  for dir in $search; do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
      found=$dir
    fi
  done
  echo "$found"
}

install_server() {
  if [[ $(id -u) != 0 ]]; then
    fail "PostgreSQL is not installed and this build is not root: run 'sudo apt-get install -y $package' and build again"
  fi
  if [[ ${PG_INSTALL_DRY_RUN:-} == 1 ]]; then
    echo "would run: apt-get install -y --no-install-recommends $package (after apt-get update if needed)"
    exit 0
  fi
  local log="$state/install.log"
  # Debian's postgresql-common would create and start a "main" cluster on port 5432: not wanted.
  mkdir -p /etc/postgresql-common
  if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "$package" > "$log" 2>&1; then
    apt-get update >> "$log" 2>&1 || true
    apt-get install -y --no-install-recommends "$package" >> "$log" 2>&1 \
      || fail "could not install PostgreSQL ('apt-get install -y $package' failed; see $log)"
  fi
}

# Runs a command as the cluster's owner: the postgres user when we are root, else ourselves.
as_owner() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Starts the cluster on $1, waiting up to $2 seconds. Crash recovery syncs the data directory
# first (initdb --no-sync left it unsynced): syncfs does that in one call.
start_on() {
  local port=$1 wait=${2:-30}
  as_owner "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t "$wait" \
    -o "-p $port -c listen_addresses=127.0.0.1 -c max_connections=300 -k $cluster -c recovery_init_sync_method=syncfs" \
    start > /dev/null 2>&1
}

stop_server() {
  [[ -f "$state/cluster" ]] || return 0
  cluster=$(cat "$state/cluster")
  bin=$(cat "$state/bin")
  if [[ -f "$cluster/data/postmaster.pid" ]]; then
    as_owner "$bin/pg_ctl" -D "$cluster/data" -m immediate -w -t 20 stop > /dev/null 2>&1 || {
      pid=$(head -1 "$cluster/data/postmaster.pid" 2> /dev/null || true)
      [[ -n "$pid" ]] && kill -9 "$pid" 2> /dev/null || true
    }
  fi
  rm -rf "$cluster"
  rm -f "$state/cluster" "$state/port"
}

case "$command" in
  start)
    mkdir -p "$state"
    stop_server # a cluster a killed build left behind
    bin=$(find_bin)
    if [[ -z "$bin" ]]; then
      install_server
      bin=$(find_bin)
      [[ -n "$bin" ]] || fail "PostgreSQL was installed but no initdb is under $search"
    fi
    cluster=$(mktemp -d /tmp/cairn-pg.XXXXXX)
    if [[ $(id -u) == 0 ]]; then
      chown postgres: "$cluster"
    fi
    chmod 700 "$cluster"
    echo "$cluster" > "$state/cluster"
    echo "$bin" > "$state/bin"
    printf 'postgres-admin\n' | as_owner tee "$cluster/pwfile" > /dev/null
    as_owner "$bin/initdb" --no-sync -D "$cluster/data" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 --pwfile="$cluster/pwfile" \
      > "$cluster/initdb.log" 2>&1 || fail "initdb failed; see $cluster/initdb.log"
    port=""
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      candidate=$((20000 + RANDOM % 40000))
      if start_on "$candidate"; then
        port=$candidate
        break
      fi
    done
    [[ -n "$port" ]] || fail "PostgreSQL did not start on any of 10 loopback ports; see $cluster/server.log"
    echo "$port" > "$state/port"
    as_owner "$bin/psql" -h "$cluster" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
      > "$cluster/setup.log" 2>&1 <<'SQL' || fail "creating the test roles failed; see $cluster/setup.log"
CREATE ROLE cairn LOGIN PASSWORD 'cairn-test';
CREATE ROLE reader LOGIN PASSWORD 'reader-test';
CREATE DATABASE cairn OWNER cairn;
REVOKE ALL ON DATABASE cairn FROM PUBLIC;
GRANT CONNECT ON DATABASE cairn TO reader;
SQL
    printf 'cairn cairn-test\nreader reader-test\npostgres postgres-admin\n' > "$state/users"
    echo "pg-server: PostgreSQL ($(basename "$(dirname "$bin")")) on 127.0.0.1:$port, cluster $cluster"
    ;;
  restart)
    cluster=$(cat "$state/cluster")
    bin=$(cat "$state/bin")
    port=$(cat "$state/port")
    start_on "$port" 180 || fail "PostgreSQL did not restart on port $port; see $cluster/server.log"
    ;;
  stop)
    stop_server
    ;;
  *)
    fail "unknown command '$command' (start, restart or stop)"
    ;;
esac
