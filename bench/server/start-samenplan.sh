#!/bin/sh
# samenplan with a fresh data directory (default durability normal, 1 I/O thread).
#   bench/server/start-samenplan.sh [DATA_DIR] [extra serve options...]
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${1:-$(mktemp -d /tmp/samenplan-bench.XXXXXX)}"
[ $# -gt 0 ] && shift
exec "$root/build/bin/samenplan" serve --host "${HOST:-127.0.0.1}" --port "${PORT:-0}" --data "$data" "$@"
