#!/usr/bin/env python3
"""Runs every ```c, ```lua and ```python example in README.md so the examples
cannot rot. Each block must run and exit 0; a block may state its expected
output in a trailing comment line `-- expect: TEXT` / `# expect: TEXT` /
`// expect: TEXT` (TEXT must appear in stdout).
With --installed-python EXE, only the Python examples run, under EXE with the
syslab installed there (no PYTHONPATH, SYSLAB_LIBRARY or LD_LIBRARY_PATH)."""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

root = Path(__file__).resolve().parents[1]
build = Path(os.environ.get("SYSLAB_BUILD", root / ".build" / "release"))
readme = (root / "README.md").read_text()
blocks = re.findall(r"```(c|lua|python)\n(.*?)```", readme, flags=re.S)
if not blocks:
    sys.exit("README.md has no c/lua/python examples")

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
print(f"{len(blocks) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
