#!/usr/bin/env python3
"""Runs the tutorial scripts and keeps the numbers quoted in the pages current.

Every script under scripts/tutorials/ (lib/ aside) runs with `--check --numbers`:
its claims are asserted (a failed claim fails the run, naming the claim and the
value measured) and it prints its page's named numbers as JSON. A page
docs/tutorials/<series>/<page>.md takes the numbers of
scripts/tutorials/<series>/<page>.lua and of <page>.answers.lua (its answer
key) at marked spots:

    <!-- n:p99_before -->120 ms<!-- /n -->

  tools/tutorial_numbers.py --write    fill the marked spots from fresh runs (make tutorials)
  tools/tutorial_numbers.py --check    fail when a claim fails, a page is stale, a marker
                                       names an unknown number, a page has no script (or a
                                       script no page), or a relative link points nowhere
                                       (make test-tutorials)

SYSLAB_LUA names the interpreter (default: .build/release/syslab-lua).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "tutorials"
SCRIPTS = ROOT / "scripts" / "tutorials"
MARKER = re.compile(r"<!-- n:([A-Za-z0-9_]+) -->(.*?)<!-- /n -->", re.S)
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
SCRIPT_TIMEOUT_S = 120


def scripts():
    return sorted(p for p in SCRIPTS.rglob("*.lua") if "lib" not in p.relative_to(SCRIPTS).parts)


def page_of(script):
    """docs/tutorials/<series>/<page>.md for <page>.lua and <page>.answers.lua."""
    rel = script.relative_to(SCRIPTS)
    name = rel.name[: -len(".answers.lua")] if rel.name.endswith(".answers.lua") else rel.stem
    return DOCS / rel.parent / (name + ".md")


def run(lua, script):
    """Runs one script; returns (numbers, seconds) or raises RuntimeError with its output."""
    started = time.monotonic()
    try:
        proc = subprocess.run([lua, str(script), "--check", "--numbers"], cwd=ROOT, capture_output=True,
                              text=True, timeout=SCRIPT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{script.relative_to(ROOT)}: still running after {SCRIPT_TIMEOUT_S} s")
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{script.relative_to(ROOT)} --check failed (exit {proc.returncode}):\n"
                           f"{proc.stderr.strip() or proc.stdout.strip()}")
    try:
        numbers = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        raise RuntimeError(f"{script.relative_to(ROOT)} --numbers printed no JSON ({e}):\n{proc.stdout[:500]}")
    if not isinstance(numbers, dict) or not all(isinstance(v, str) for v in numbers.values()):
        raise RuntimeError(f"{script.relative_to(ROOT)} --numbers must print an object of texts")
    return numbers, seconds


def fill(text, numbers, page, problems, changes):
    """The page with every marked number replaced by the run's; `changes` gets 'name: old -> new'."""
    def replace(m):
        name, old = m.group(1), m.group(2)
        if name not in numbers:
            problems.append(f"{page.relative_to(ROOT)}: marker n:{name} names no number its scripts print")
            return m.group(0)
        if old != numbers[name]:
            changes.append(f"{name}: {old!r} -> {numbers[name]!r}")
        return f"<!-- n:{name} -->{numbers[name]}<!-- /n -->"
    return MARKER.sub(replace, text)


def check_links(page, text, problems):
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target):
            continue  # a URL
        if not (page.parent / target).resolve().exists():
            problems.append(f"{page.relative_to(ROOT)}: link to {target} points nowhere")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="fill the pages' marked numbers from fresh runs")
    mode.add_argument("--check", action="store_true", help="fail when a claim fails or a page is stale")
    args = ap.parse_args()
    lua = os.environ.get("SYSLAB_LUA", str(ROOT / ".build" / "release" / "syslab-lua"))
    if not os.access(lua, os.X_OK):
        sys.exit(f"tutorial_numbers: {lua} is not an executable syslab-lua (make build, or set SYSLAB_LUA)")

    problems = []
    numbers_by_page = {}
    total = time.monotonic()
    for script in scripts():
        page = page_of(script)
        if not page.exists():
            problems.append(f"{script.relative_to(ROOT)}: no page {page.relative_to(ROOT)}")
        try:
            numbers, seconds = run(lua, script)
        except RuntimeError as e:
            problems.append(str(e))
            continue
        print(f"ok {script.relative_to(ROOT)} ({seconds:.1f} s, {len(numbers)} numbers)")
        merged = numbers_by_page.setdefault(page, {})
        for name in numbers.keys() & merged.keys():
            problems.append(f"{script.relative_to(ROOT)}: number {name} is also printed by another script of its page")
        merged.update(numbers)

    pages = sorted(p for p in DOCS.rglob("*.md"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        check_links(page, text, problems)
        if page.name == "README.md":
            continue
        script = SCRIPTS / page.relative_to(DOCS).with_suffix(".lua")
        if not script.exists():
            problems.append(f"{page.relative_to(ROOT)}: no script {script.relative_to(ROOT)}")
            continue
        if page not in numbers_by_page:
            continue  # its script failed; already reported
        changes = []
        updated = fill(text, numbers_by_page[page], page, problems, changes)
        if changes:
            if args.write:
                page.write_text(updated, encoding="utf-8")
                print(f"updated {page.relative_to(ROOT)}")
            else:
                problems.append(f"{page.relative_to(ROOT)} quotes numbers its scripts no longer produce "
                                f"(run make tutorials): " + "; ".join(changes))

    for p in problems:
        print(p, file=sys.stderr)
    print(f"tutorials: {len(scripts())} scripts, {len(pages)} pages, {time.monotonic() - total:.1f} s, "
          f"{'FAILED' if problems else 'ok'}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
