#!/usr/bin/env python3
"""Runs every ```c, ```lua and ```python example in README.md so the examples
cannot rot. Each block must run and exit 0; a block may state its expected
output in a comment `-- expect: TEXT` / `# expect: TEXT` / `// expect: TEXT`
(TEXT must appear in stdout).

The "Fleet" section is a walk-through: its ```sh and ```python blocks run in
order as one bash script (Python blocks fed to the interpreter), in a scratch
directory, with the `syslab` command on PATH, Redis' port 6379 and serve's 8080
replaced by free ports; what its blocks start in the background is stopped at
the end. Other ```sh blocks (set-up commands) are not run.

With --installed-python EXE, only the Python examples outside the Fleet section
run, under EXE with the syslab installed there (no PYTHONPATH, SYSLAB_LIBRARY
or LD_LIBRARY_PATH)."""

import argparse
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

root = Path(__file__).resolve().parents[1]
build = Path(os.environ.get("SYSLAB_BUILD", root / ".build" / "release"))
readme = (root / "README.md").read_text()
WALK_THROUGH = "Fleet"
sections = re.split(r"^## ", readme, flags=re.M)
walk_through = next((t for t in sections if t.startswith(WALK_THROUGH + "\n")), "")
blocks = re.findall(r"```(c|lua|python)\n(.*?)```", "".join(t for t in sections if t is not walk_through), flags=re.S)
fleet_blocks = re.findall(r"```(sh|python)\n(.*?)```", walk_through, flags=re.S)
if not blocks or not fleet_blocks:
    sys.exit(f"README.md has no c/lua/python examples, or no {WALK_THROUGH} section with sh and python blocks")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def walk_through_script(python: str) -> str:
    """The Fleet section's blocks as one bash script, on free ports."""
    lines = ["set -euo pipefail", "trap 'kill $(jobs -p) 2>/dev/null || true; wait' EXIT"]
    for language, code in fleet_blocks:
        if language == "python":
            code = f"{shlex.quote(python)} - <<'README_PYTHON_EXAMPLE'\n{code}README_PYTHON_EXAMPLE\n"
        lines.append(code)
    script = "\n".join(lines)
    for port in ("6379", "8080"):
        script = re.sub(rf"\b{port}\b", str(free_port()), script)
    return script


parser = argparse.ArgumentParser()
parser.add_argument("--installed-python", metavar="EXE")
args = parser.parse_args()
python = sys.executable
env = dict(os.environ, PYTHONPATH=str(root / "bindings" / "python"), SYSLAB_LIBRARY=str(build / "libsyslab.so"))
if args.installed_python:
    python = args.installed_python
    blocks = [b for b in blocks if b[0] == "python"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SYSLAB_LIBRARY", "LD_LIBRARY_PATH")}
failures = 0
with tempfile.TemporaryDirectory() as tmp:
    for number, (language, code) in enumerate(blocks, 1):
        source = Path(tmp) / f"example{number}.{ {'c': 'c', 'lua': 'lua', 'python': 'py'}[language] }"
        source.write_text(code)
        if language == "c":
            exe = Path(tmp) / f"example{number}"
            subprocess.run(
                ["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", f"-I{root / 'Include'}", str(source),
                 f"-L{build}", "-lsyslab", f"-Wl,-rpath,{build}", "-o", str(exe)], check=True, cwd=tmp)
            command = [str(exe)]
        elif language == "lua":
            command = [str(build / "syslab-lua"), str(source)]
        else:
            command = [python, str(source)]
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root, timeout=300)
        expected = re.findall(r"(?:--|#|//) expect: (.*)", code)
        missing = [e for e in expected if e.strip() not in result.stdout]
        ok = result.returncode == 0 and not missing
        failures += not ok
        print(f"README example {number} ({language}): {'ok' if ok else 'FAILED'}")
        if not ok:
            print(result.stdout[-2000:], result.stderr[-2000:], sep="\n")
            for e in missing:
                print(f"  expected output missing: {e}")
    if not args.installed_python:
        # The walk-through calls `syslab` (the control plane's build) and `syslab-lua`.
        command_dir = Path(os.environ.get("SYSLAB_COMMAND", root / "control-plane/.build/debug/syslab")).parent
        path_env = dict(env, PATH=f"{command_dir}{os.pathsep}{build}{os.pathsep}{env['PATH']}")
        path_env.pop("SYSLAB_JWT_SECRET", None)
        process = subprocess.Popen(["bash", "-c", walk_through_script(python)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=path_env, cwd=tmp, start_new_session=True)
        try:
            out, err = process.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
        expected = [e for _, code in fleet_blocks for e in re.findall(r"(?:#) expect: (.*)", code)]
        missing = [e for e in expected if e.strip() not in out]
        ok = process.returncode == 0 and not missing
        failures += not ok
        print(f"README {WALK_THROUGH} section ({len(fleet_blocks)} blocks as one script): {'ok' if ok else 'FAILED'}")
        if not ok:
            print(out[-2000:], err[-2000:], sep="\n")
            for e in missing:
                print(f"  expected output missing: {e}")
print(f"{len(blocks) + (not args.installed_python) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
