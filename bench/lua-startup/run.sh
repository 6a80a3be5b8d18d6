#!/usr/bin/env bash
# Startup time of syslab-lua beside the stock lua5.4 (target: at most 1.5x),
# measured with hyperfine (apt install hyperfine). Usage: bench/lua-startup/run.sh
# Uses the release build in .build/release (make build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
exe="${SYSLAB_LUA:-$root/.build/release/syslab-lua}"
command -v hyperfine >/dev/null || { echo "bench/lua-startup: skipped, needs hyperfine (apt install hyperfine)"; exit 0; }
out="$root/.build/bench"
mkdir -p "$out"
hyperfine -N --warmup 20 --runs 300 --export-json "$out/lua-startup.json" \
    "lua5.4 -e ''" "$exe -e ''" "$exe -e 'require\"syslab\"'" >/dev/null
python3 - "$out/lua-startup.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["mean"]
for r in results:
    print(f"{r['command'][:60]:60s} {r['mean'] * 1e3:6.2f} ms ± {r['stddev'] * 1e3:4.2f}  ({r['mean'] / base:4.2f}x lua5.4)")
ratio = results[1]["mean"] / base
print(f"syslab-lua startup is {ratio:.2f}x lua5.4's (target <= 1.5x): {'ok' if ratio <= 1.5 else 'SLOWER THAN TARGET'}")
PY
