#!/bin/bash
# All server scenarios against samenplan, Hocuspocus 4 + SQLite and y-websocket 1.5, one
# (scenario, server) pair per locked run so that no C++ build runs while we measure and no
# locked run takes more than ~2 minutes. JSON results in OUT_DIR (default /tmp/samenplan-bench-server),
# then the side-by-side tables (report.mjs).
#   bench/server/run_all.sh [OUT_DIR]
#   LOADGEN=cpp|node: load generator of the fanout and load runs (run.mjs --loadgen; default cpp
#   when build/bin/server_loadgen exists, else node). idle always uses the Node workers.
# Needs: build/bin/samenplan (Release), build/bin/server_loadgen, (cd bench/server && npm ci).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-/tmp/samenplan-bench-server}"
mkdir -p "$out"
LOCK=/tmp/samenplan-build.lock
SERVERS="${SERVERS:-samenplan hocuspocus ywebsocket}"
if [ -z "${LOADGEN:-}" ]; then
  [ -x "$here/../../build/bin/server_loadgen" ] && LOADGEN=cpp || LOADGEN=node
fi
# fan-out ramp: the C++ load generator offers up to 20,000 updates/s; y-websocket falls behind
# from 100/s and grows to GBs of RAM beyond 2,000/s, so it keeps the short ramp.
RATES_SHORT=5,20,50,100,200,500,1000,2000
[ "$LOADGEN" = cpp ] && RATES_LONG=$RATES_SHORT,5000,10000,20000 || RATES_LONG=$RATES_SHORT

# 10,000 idle connections: the server and the client processes each need that many fds.
ulimit -n 65536 2>/dev/null || echo "note: ulimit -n stays at $(ulimit -n) (hard limit $(ulimit -Hn))" >&2

busy() { # machine CPU % busy over 2 s
  local a b; a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
  local busy=$(( (b[1]+b[2]+b[3]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[6]+a[7]+a[8]) ))
  local idle=$(( (b[4]+b[5]) - (a[4]+a[5]) ))
  echo $(( 100 * busy / (busy + idle + 1) ))
}

run() { # scenario server args...
  local sc=$1 srv=$2; shift 2
  # wait (at most 2 min) for the machine to be quiet: others' tests are not under the build lock
  for _ in $(seq 1 "${BUSY_TRIES:-20}"); do [ "$(busy)" -lt 15 ] && break; echo "   machine busy, waiting" >&2; sleep 4; done
  echo "== $sc / $srv" >&2
  flock "$LOCK" timeout 175 node "$here/run.mjs" --scenario "$sc" --servers "$srv" --deadline 170 \
    --json "$out/$sc-$srv.json" "$@" > "$out/$sc-$srv.txt" 2>&1 || echo "   run failed (see $out/$sc-$srv.txt)" >&2
  grep -E "^  |ERROR|EXITED" "$out/$sc-$srv.txt" >&2
  sleep 2
}

[ -n "${PRELOAD:-}" ] && EXTRA="--preload $PRELOAD" || EXTRA=""
for s in $SERVERS; do
  [ "$s" = ywebsocket ] && rates=$RATES_SHORT || rates=$RATES_LONG
  run fanout "$s" --loadgen "$LOADGEN" --readers 1000 --rates "$rates" --duration 5 --drain 3 $EXTRA
done
for s in $SERVERS; do run load "$s" --loadgen "$LOADGEN" --clients 1000 --docs 100 --rates 1,2,5,10 --duration 5 --drain 3 $EXTRA; done
for s in $SERVERS; do run idle "$s" --conns 10000 --docs 100 --hold 5; done

for sc in fanout load idle; do
  node "$here/report.mjs" "$out"/$sc-*.json
  echo
done | tee "$out/tables.md"
