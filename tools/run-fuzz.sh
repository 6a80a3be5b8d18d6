#!/usr/bin/env bash
# Runs each libFuzzer harness of Tests/fuzz for a bounded time against the
# sanitized library (make fuzz), then prints one line per harness:
# executions, coverage (edges), corpus size and whether it found anything.
# Usage: run-fuzz.sh SECONDS HARNESS... (SAN_CC, SAN_CFLAGS, LIB_DIR, OUT from make)
set -uo pipefail
seconds="$1"; shift
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$OUT"
failed=0
summary=()
for h in "$@"; do
  exe="$OUT/$h"
  # shellcheck disable=SC2086 # SAN_CFLAGS is a list of flags
  $SAN_CC $SAN_CFLAGS -fsanitize=fuzzer "$root/Tests/fuzz/fuzz_$h.c" -L"$LIB_DIR" -lsyslab \
    -Wl,-rpath,"$root/$LIB_DIR" -o "$exe" || exit 1
  mkdir -p "$OUT/corpus-$h"
  echo "== fuzz $h for $seconds s (log: $OUT/$h.log)"
  ASAN_OPTIONS=detect_leaks=0 "$exe" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 \
    -malloc_limit_mb=4096 -print_final_stats=1 -dict="$root/Tests/fuzz/syslab.dict" \
    -artifact_prefix="$OUT/$h-" "$OUT/corpus-$h" "$root/Tests/fuzz/corpus/$h" > "$OUT/$h.log" 2>&1
  status=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$OUT/$h.log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$OUT/$h.log" | tail -1 | grep -o '[0-9]*')
  corpus=$(find "$OUT/corpus-$h" -type f | wc -l)
  if [ "$status" -ne 0 ]; then
    failed=1
    result="FAILED (exit $status): $(grep -m1 -E 'ERROR|Timeout|out-of-memory|deadly signal' "$OUT/$h.log")"
  else
    result="clean"
  fi
  summary+=("$(printf '%-18s %12s execs  cov %6s  corpus %5s  %s' "$h" "${execs:-?}" "${cov:-?}" "$corpus" "$result")")
done
echo
printf '%s\n' "${summary[@]}"
exit "$failed"
