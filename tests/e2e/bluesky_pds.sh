#!/usr/bin/env bash
# The reference Bluesky PDS with its own PLC directory, on loopback, for tests/e2e/test_bluesky_pds.py.
#
#   tests/e2e/bluesky_pds.sh install DIR        npm ci of bluesky_pds/package-lock.json into DIR
#                                               (about 3 min cold: better-sqlite3 compiles from source)
#   tests/e2e/bluesky_pds.sh serve DIR DATA     PLC + PDS from DIR/node_modules, in the foreground, state
#                                               in DATA; prints one JSON line when both answer
#
# serve reads PDS_PORT and PLC_PORT (defaults 2583 and 2582) and PDS_ADMIN_PASSWORD. Both servers
# bind 127.0.0.1 only. tests/e2e/upstreams.py installs into ~/.cache/letmepost/bsky once, runs one
# serve per test module on free ports, and stops it by its PID.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/bluesky_pds

install() {
  local dir=$1
  mkdir -p "$dir"
  rm -f "$dir/.installed"
  cp "$src/package.json" "$src/package-lock.json" "$dir/"
  # better-sqlite3 is native and its prebuilt binary is not reachable offline, so node-gyp builds
  # it; point it at the local Node headers unless npm is already configured with them.
  if [ -z "${npm_config_nodedir:-}" ]; then
    local prefix
    prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
    if [ -f "$prefix/include/node/node_api.h" ]; then
      export npm_config_nodedir=$prefix
    fi
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  (cd "$dir" && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()")
  # The stamp says the install finished; upstreams.py also compares the lock file with ours.
  touch "$dir/.installed"
}

serve() {
  local dir=$1 data=$2
  mkdir -p "$data"
  NODE_PATH="$dir/node_modules" PDS_DATA_DIRECTORY="$data" exec node "$src/server.js"
}

case "${1:-}" in
  install) install "${2:?install DIR}" ;;
  serve) serve "${2:?serve DIR DATA}" "${3:?serve DIR DATA}" ;;
  *)
    sed -n '2,11p' "$0" >&2
    exit 2
    ;;
esac
