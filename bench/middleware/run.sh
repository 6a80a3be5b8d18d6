#!/usr/bin/env bash
# What the Python middleware costs while nothing is enabled: microseconds per
# request in-process (target: at most 2 us added), then requests per second
# under wrk with uvicorn, gunicorn and waitress (target: at least 97% of the
# bare app). Arguments go to throughput.py (--rounds, --duration, --servers).
# Uses the release library in .build/release (make build) unless
# SYSLAB_LIBRARY points elsewhere.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export SYSLAB_LIBRARY="${SYSLAB_LIBRARY:-$root/.build/release/libsyslab.so}"
export PYTHONPATH="$root/bindings/python${PYTHONPATH:+:$PYTHONPATH}"
python="${PYTHON:-python3}"
status=0
"$python" "$root/bench/middleware/inprocess.py" || status=1
echo
"$python" "$root/bench/middleware/throughput.py" "$@" || status=1
exit $status
