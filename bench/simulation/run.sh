#!/usr/bin/env bash
# Simulation benchmarks, printed side by side in one run (targets from the
# simulation issue; nothing here is asserted):
#   1. M/M/4 (lambda 350, mu 100): customers per second of wall time, SimPy
#      (the same model, idiomatic SimPy) vs scripts/examples/mmc.lua — target >= 50x.
#   2. 1M requests through a five-tier system — target < 2 s wall.
#   3. Peak RSS for 10M requests through the same system — target <= 64 MiB.
# Usage: bench/simulation/run.sh [simpy customers, default 200000]
# Uses .build/release (make build) unless SYSLAB_LIB_DIR points elsewhere.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
lib="${SYSLAB_LIB_DIR:-$root/.build/release}"
lua="$lib/syslab-lua"
simpy_n="${1:-200000}"
python3 -c 'import simpy' 2>/dev/null || python3 -m pip install -q simpy

field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

echo "simulation benchmarks ($(nproc) cores; $(uname -m)); syslab from $lib"
echo
simpy_out="$(python3 "$root/bench/simulation/mmc_simpy.py" --lam 350 --mu 100 --c 4 --n "$simpy_n" --seed 1)"
syslab_out="$("$lua" "$root/scripts/examples/mmc.lua" --lam 350 --mu 100 --c 4 --n 10000000 --seed 1)"
python3 - "$simpy_out" "$syslab_out" "$simpy_n" <<'PY'
import json, sys
simpy, syslab, n = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
s_rate, y_rate = simpy["n"] / simpy["wall_s"], syslab["n"] / syslab["wall_s"]
print("1. M/M/4, lambda=350 mu=100 (Erlang C: mean Wq 14.757 ms, mean W 24.757 ms)")
print(f"   {'':28}{'customers':>12}{'wall':>10}{'customers/s':>14}{'mean Wq':>11}{'mean W':>11}")
for name, r, rate in (("SimPy " + __import__('simpy').__version__, simpy, s_rate), ("syslab-lua mmc.lua", syslab, y_rate)):
    print(f"   {name:28}{r['n']:>12,}{r['wall_s']:>9.2f}s{rate:>14,.0f}{r['mean_wq']*1000:>9.3f}ms{r['mean_w']*1000:>9.3f}ms")
ratio = y_rate / s_rate
print(f"   syslab is {ratio:,.0f}x SimPy's customers per second (target >= 50x: {'met' if ratio >= 50 else 'NOT met'})")
PY
echo
five="$("$lua" "$root/bench/simulation/five_tier.lua" 1000000)"
wall="$(field "$five" wall_s)"
python3 -c "
import sys; w=float(sys.argv[1]); r=int(float(sys.argv[2]))
print('2. five tiers (lb -> gateway -> api -> orders -> postgres), constant-arrival-rate 2000/s')
print(f'   {r:,} requests ({5*r:,} calls) in {w:.2f} s wall (target < 2 s: ' + ('met' if w < 2 else 'NOT met') + ')')
" "$wall" "$(field "$five" requests)"
echo
rss_kb="$( { /usr/bin/time -f '%M' "$lua" "$root/bench/simulation/five_tier.lua" 10000000 >/dev/null; } 2>&1 | tail -1 )"
python3 -c "
import sys; kb=int(sys.argv[1])
print('3. peak RSS, 10M requests through the same five tiers (streaming statistics, sampled traces)')
print(f'   {kb/1024:.1f} MiB (target <= 64 MiB: ' + ('met' if kb <= 64*1024 else 'NOT met') + ')')
" "$rss_kb"
