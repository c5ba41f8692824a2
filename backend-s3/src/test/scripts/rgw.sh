#!/bin/bash
# A throwaway single-node Ceph RGW for the s3 store's integration tests: one monitor, one
# BlueStore OSD on a sparse file and one radosgw, on loopback ports, with cephx off, all under
# one directory. Every daemon is stopped by the PID it recorded there.
#
#   rgw.sh start DIR      install the Debian packages if missing (as root), start, wait until
#                         ready; writes DIR/endpoint (http://127.0.0.1:PORT) and DIR/credentials
#   rgw.sh stop DIR       stop every daemon DIR started (TERM, then KILL after 10 s)
#   rgw.sh restart DIR    start again whatever daemon of DIR is not running (after kill -9)
#
# Memory is kept small (the build shares the machine): BlueStore cache 64 MiB, no autotune.
# The gateway sends without Nagle's delay (tcp_nodelay=1): otherwise the body of a small GET
# waits for the client's delayed ACK, about 40 ms, on some connections and not others.
set -euo pipefail

PACKAGES="ceph-mon ceph-osd radosgw ceph-common"
ACCESS_KEY=cairn-test
SECRET_KEY=cairn-test-secret

fail() { echo "rgw.sh: $*" >&2; exit 1; }

usage() { fail "usage: rgw.sh start|stop|restart DIR"; }

[ $# -eq 2 ] || usage
COMMAND=$1
DIR=$(mkdir -p "$2" && cd "$2" && pwd)
CONF="$DIR/ceph.conf"
CEPH="ceph -c $CONF --connect-timeout 10"

ensure_installed() {
  local missing=""
  for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    fail "Ceph RGW is not installed (missing:$missing); install it with: sudo apt-get install -y --no-install-recommends $PACKAGES"
  fi
  echo "rgw.sh: installing Ceph RGW ($PACKAGES)" >&2
  if ! { apt-get install -y --no-install-recommends $PACKAGES >"$DIR/apt.log" 2>&1 \
      || { apt-get update >>"$DIR/apt.log" 2>&1 \
           && apt-get install -y --no-install-recommends $PACKAGES >>"$DIR/apt.log" 2>&1; }; }; then
    fail "could not install Ceph RGW; see $DIR/apt.log (command: apt-get install -y --no-install-recommends $PACKAGES)"
  fi
}

# A TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  fail "no free loopback port found"
}

# Retries "$@" until it succeeds or $1 seconds pass; the last output is kept in $DIR/log/last.
retry() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >"$DIR/log/last" 2>&1; do
    [ $SECONDS -lt $deadline ] || { cat "$DIR/log/last" >&2; return 1; }
    sleep 0.5
  done
}

write_conf() {
  local fsid=$1 mon_port=$2 rgw_port=$3
  cat >"$CONF" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon data avail warn = 1
mon data avail crit = 0
osd crush chooseleaf type = 0
osd crush update on start = false
osd class update on start = false
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
log file = $DIR/log/\$name.log
pid file = $DIR/run/\$name.pid
mon data = $DIR/mon/\$cluster-\$id
osd data = $DIR/osd/\$cluster-\$id
osd objectstore = bluestore
bluestore block create = true
bluestore block size = 8589934592
bluestore fsck on mount = false
bluestore cache autotune = false
bluestore cache size = 67108864
osd memory target = 939524096
[client.rgw.gw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
rgw dns name = 127.0.0.1
rgw thread pool size = 32
CONF
  echo "http://127.0.0.1:$rgw_port" >"$DIR/endpoint"
}

running() { # name
  local f="$DIR/run/$1.pid"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

osd_up() { $CEPH osd dump 2>/dev/null | grep -q '^osd\.0 up'; }

gateway_answers() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$(cat "$DIR/endpoint")/")" = 200 ]
}

start_mon() { running mon.a || ceph-mon -c "$CONF" -i a; retry 60 $CEPH -s; }
start_osd() { running osd.0 || ceph-osd -c "$CONF" -i 0; retry 90 osd_up; }
start_gw() {
  running client.rgw.gw || radosgw -c "$CONF" -n client.rgw.gw
  retry 90 gateway_answers
}

start() {
  ensure_installed
  if running client.rgw.gw && gateway_answers; then
    echo "$DIR"; return 0
  fi
  stop_all
  rm -rf "$DIR"/{run,log,mon,osd,ceph.conf,endpoint,credentials,monmap,keyring}
  mkdir -p "$DIR"/{run,log,mon,osd}
  local fsid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  local mon_port rgw_port
  mon_port=$(free_port)
  rgw_port=$(free_port)
  while [ "$rgw_port" = "$mon_port" ]; do rgw_port=$(free_port); done
  write_conf "$fsid" "$mon_port" "$rgw_port"
  monmaptool --create --addv a "[v1:127.0.0.1:$mon_port]" --fsid "$fsid" "$DIR/monmap" >/dev/null
  ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring"
  start_mon
  # On a cold start the monitor may refuse the first commands (EPERM): retry until it takes them.
  local uuid
  uuid=$(cat /proc/sys/kernel/random/uuid)
  retry 60 $CEPH osd new "$uuid" 0
  mkdir -p "$DIR/osd/ceph-0"
  retry 60 $CEPH osd crush add osd.0 1.0 root=default
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$uuid" >>"$DIR/log/osd-mkfs.log" 2>&1
  start_osd
  start_gw
  retry 60 radosgw-admin -c "$CONF" user create --uid=cairn --display-name=cairn \
    --access-key="$ACCESS_KEY" --secret="$SECRET_KEY"
  printf '%s\n%s\n' "$ACCESS_KEY" "$SECRET_KEY" >"$DIR/credentials"
  echo "$DIR"
}

restart() {
  [ -f "$CONF" ] || fail "$DIR holds no RGW to restart; run: rgw.sh start $DIR"
  start_mon
  start_osd
  start_gw
}

stop_all() {
  local names="client.rgw.gw osd.0 mon.a" n f
  for n in $names; do
    f="$DIR/run/$n.pid"
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  for n in $names; do
    f="$DIR/run/$n.pid"
    [ -f "$f" ] || continue
    local pid
    pid=$(cat "$f")
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

case "$COMMAND" in
  start) start ;;
  stop) stop_all ;;
  restart) restart ;;
  *) usage ;;
esac
