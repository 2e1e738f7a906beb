#!/bin/sh
# The y-websocket reference server, y-websocket@1.5's bin/server.js (installed as the npm alias
# y-websocket-server-15), in-memory (no YPERSISTENCE), gc on.
#   HOST=127.0.0.1 PORT=1234 bench/server/start-y-websocket.sh
# It prints "running at 'HOST' on port PORT"; it cannot pick a free port itself (PORT=0 prints 0).
cd "$(dirname "$0")" || exit 1
HOST="${HOST:-127.0.0.1}" PORT="${PORT:-1234}" exec node node_modules/y-websocket-server-15/bin/server.js
