#!/usr/bin/env python3
"""Compares the catalogue JSON with the checked-in snapshot so the catalogue
never drifts silently. `--write` accepts a deliberate change."""

import json
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "bindings" / "python"))
import syslab  # noqa: E402

snapshot = root / "Tests" / "snapshots" / "catalogue.json"
with syslab.Registry() as registry:
    current = json.dumps(registry.catalogue(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

if "--write" in sys.argv:
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    snapshot.write_text(current)
    print(f"wrote {snapshot.relative_to(root)}")
    sys.exit(0)
if not snapshot.exists() or snapshot.read_text() != current:
    import difflib

    old = snapshot.read_text().splitlines() if snapshot.exists() else []
    diff = difflib.unified_diff(old, current.splitlines(), "snapshot", "current", lineterm="", n=1)
    print("\n".join(list(diff)[:60]))
    print("the scenario catalogue differs from Tests/snapshots/catalogue.json; if intended, run `make snapshot`")
    sys.exit(1)
print(f"catalogue matches the snapshot ({len(json.loads(current))} scenarios)")
