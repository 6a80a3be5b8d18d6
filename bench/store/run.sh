#!/usr/bin/env bash
# Store propagation benchmark: acknowledged enable and the time until another
# registry on the same Redis workspace sees it (bench/store/propagation.py).
# Usage: bench/store/run.sh [trials]. Uses the release library (make build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
PYTHONPATH="$root/bindings/python${PYTHONPATH:+:$PYTHONPATH}" \
SYSLAB_LIBRARY="${SYSLAB_LIBRARY:-$root/.build/release/libsyslab.so}" python3 "$root/bench/store/propagation.py" "$@"
