#!/usr/bin/env bash
# Decision hot-path benchmark (ns per decision at 0, 1 and 10 active
# scenarios beside a no-op call). Usage: bench/decision/run.sh [calls] [--store redis://host:port/db]
# Uses the release library in .build/release (make build) unless
# SYSLAB_LIB_DIR points elsewhere.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
lib="${SYSLAB_LIB_DIR:-$root/.build/release}"
out="$root/.build/bench"
mkdir -p "$out"
cc -O2 -std=c11 -Wall -Wextra -Werror -I"$root/Include" -I"$root/Tests/c" "$root/bench/decision/bench_decision.c" \
   -L"$lib" -lsyslab -Wl,-rpath,"$lib" -lpthread -o "$out/bench_decision"
"$out/bench_decision" "$@"
