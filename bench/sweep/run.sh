#!/usr/bin/env bash
# Sweep scaling (docs/sweep.md): points/s on 1..nproc library threads and on
# 1 and 2 Dask worker processes, with scaling efficiency. Figures only.
# Usage: bench/sweep/run.sh [scaling.py options]; uses .build/release (make build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export SYSLAB_LIBRARY="${SYSLAB_LIBRARY:-$root/.build/release/libsyslab.so}"
exec python3 "$root/bench/sweep/scaling.py" "$@"
