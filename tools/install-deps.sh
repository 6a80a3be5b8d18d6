#!/usr/bin/env bash
# Installs what building and testing libsyslab needs on a fresh Debian machine:
# system packages through apt (only those missing) and the Python test packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# lua5.4: the stock interpreter loading syslab.so; prometheus: promtool for the metrics checks;
# libhiredis-dev: the Redis client libsyslab links; redis-server: the store tests start their own;
# curl: the docs/serve.md example that make test-serve runs; libsqlite3-dev: the order module's
# event store; sqlite3: the order tests check the file with its own tool; chromium and a font:
# the browser tests of the HTML report and tools/screenshot_report.py; zlib1g-dev: zlib, which
# the compression-tradeoffs scenario runs for real.
packages=(liblua5.4-dev lua5.4 pkg-config prometheus libhiredis-dev redis-server curl libsqlite3-dev sqlite3 chromium fonts-dejavu-core zlib1g-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "installing system packages: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

requirements=bindings/python/requirements-test.txt
stamp=.build/.python-deps-$(sha1sum "$requirements" | cut -c1-12)
if [ ! -f "$stamp" ]; then
    echo "installing Python test packages from $requirements"
    python3 -m pip install -q -r "$requirements"
    mkdir -p .build && touch "$stamp"
fi
