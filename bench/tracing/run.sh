#!/usr/bin/env bash
# Trace generation and OTLP-JSON export: libsyslab (release build, driven from
# syslab-lua) side by side with the Python opentelemetry-sdk producing the same
# spans. Usage: bench/tracing/run.sh [seconds per measurement, default 2]
# Uses .build/release (make build) unless SYSLAB_LIB_DIR points elsewhere.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
lib="${SYSLAB_LIB_DIR:-$root/.build/release}"
python3 -c 'import opentelemetry.sdk' 2>/dev/null || python3 -m pip install -q opentelemetry-sdk
SYSLAB_LIBRARY="$lib/libsyslab.so" SYSLAB_LUA="$lib/syslab-lua" \
  python3 "$root/bench/tracing/compare.py" "${1:-2}"
echo
"$lib/syslab-lua" "$root/bench/tracing/big_traces.lua"
