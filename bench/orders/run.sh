#!/usr/bin/env bash
# The order store's figures: commands (appends) per second with fsync on every
# commit (WAL, synchronous=FULL), with projections inline and manual, then
# replay (projection rebuild) events per second. Prints figures only; the
# machine is shared, so nothing here is a pass/fail threshold.
# Usage: bench/orders/run.sh [orders]   (default 2000; each order is 3 events)
# Uses the release build in .build/release (make build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
exe="${SYSLAB_LUA:-$root/.build/release/syslab-lua}"
dir="$(mktemp -d /tmp/syslab-bench-orders-XXXXXX)"
trap 'rm -rf "$dir"' EXIT
"$exe" "$root/bench/orders/bench_orders.lua" "$dir" "${1:-2000}"
