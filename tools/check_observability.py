#!/usr/bin/env python3
"""Checks the committed Grafana dashboards in observability/dashboards:

- they match what tools/gen_dashboards.py writes now (regenerated into a temp dir);
- each decodes into grafana-foundation-sdk's Dashboard model and encodes back to
  the same JSON (the SDK has no schema validator; its models are generated from
  Grafana's dashboard schema, and a key they do not know is dropped by the round
  trip, so a misspelt or foreign field shows as a difference), and carries what
  Grafana needs to import it: uid, title, schemaVersion, panels inside the 24-column
  grid without overlaps, a datasource and uniquely named queries on every panel,
  and only variables it defines;
- every PromQL expression parses (`promtool check rules` on a scratch rule file);
- the scenario-impact dashboard has a row per catalogue scenario that queries each
  of its metrics.

Needs SYSLAB_LIBRARY and promtool; `make test-observability` provides both.
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.cog.plugins import register_default_plugins
    from grafana_foundation_sdk.models.dashboard import Dashboard
except ImportError as error:  # the SDK needs Python 3.11+
    sys.exit(f"{error}: install grafana-foundation-sdk (tools/install-deps.sh, Python 3.11 or later)")

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "bindings" / "python"))
import syslab  # noqa: E402

DASHBOARDS = root / "observability" / "dashboards"
GENERATOR = root / "tools" / "gen_dashboards.py"
GRID_COLUMNS = 24
BUILTIN_VARIABLES = {"__rate_interval", "__range", "__interval"}
# Stand-ins that make a dashboard query plain PromQL for promtool.
SUBSTITUTES = {"$__rate_interval": "5m", "$__range": "1h", "$__interval": "1m",
               "$workspace": ".*", "$scenario": ".*"}
VARIABLE_REFERENCE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def stale_files(problems: list) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([sys.executable, str(GENERATOR), "--out", scratch], check=True, stdout=subprocess.DEVNULL)
        fresh = {p.name: p.read_text() for p in Path(scratch).glob("*.json")}
    committed = {p.name: p.read_text() for p in DASHBOARDS.glob("*.json")}
    for name in sorted(fresh.keys() | committed.keys()):
        if fresh.get(name) != committed.get(name):
            problems.append(f"{name}: differs from what tools/gen_dashboards.py writes now; run `make dashboards`")


def check_round_trip(name: str, data: dict, problems: list) -> None:
    decoded = json.loads(json.dumps(Dashboard.from_json(data), cls=JSONEncoder))
    if decoded != data:
        lost = sorted(set(data) - set(decoded))
        problems.append(f"{name}: does not survive the SDK's Dashboard model unchanged"
                        + (f" (unknown top-level keys {lost})" if lost else ""))


def check_layout_and_queries(name: str, data: dict, problems: list) -> list:
    """Returns (panel title, expression) for every query of the dashboard."""
    for key in ("uid", "title", "schemaVersion", "panels"):
        if not data.get(key):
            problems.append(f"{name}: no {key}")
    defined = {v["name"] for v in data.get("templating", {}).get("list", [])}
    expressions = []
    top = data.get("panels", [])
    # A collapsed row holds its panels; they are laid out apart from the top level.
    groups = [top] + [p["panels"] for p in top if p.get("type") == "row" and p.get("panels")]
    ids = [p.get("id") for group in groups for p in group]
    if None in ids or len(set(ids)) != len(ids):
        problems.append(f"{name}: panel ids are missing or repeated")
    for group in groups:
        occupied = set()
        for panel in group:
            where = f"{name}: panel {panel.get('id')} ({panel.get('title', 'untitled')})"
            grid = panel.get("gridPos", {})
            if not all(isinstance(grid.get(k), int) for k in "hwxy") or grid["x"] + grid["w"] > GRID_COLUMNS:
                problems.append(f"{where}: gridPos {grid} is not inside the {GRID_COLUMNS}-column grid")
                continue
            cells = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"])
                     for y in range(grid["y"], grid["y"] + grid["h"])}
            if cells & occupied:
                problems.append(f"{where}: overlaps another panel")
            occupied |= cells
            if panel.get("type") == "row":
                continue
            if not panel.get("type") or not panel.get("datasource"):
                problems.append(f"{where}: no type or datasource")
            targets = panel.get("targets") or []
            ref_ids = [t.get("refId") for t in targets]
            if not targets or None in ref_ids or len(set(ref_ids)) != len(ref_ids):
                problems.append(f"{where}: needs queries with distinct refIds, has {ref_ids}")
            expressions += [(where, t.get("expr", "")) for t in targets]
    for variable in data.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            query = variable["query"]
            inner = re.fullmatch(r"query_result\((.*)\)", query, re.S)
            label = re.fullmatch(r"label_values\((.*),\s*\w+\)", query, re.S)
            expr = inner.group(1) if inner else label.group(1) if label else None
            if expr is None:
                problems.append(f"{name}: variable {variable['name']} has a query Grafana's Prometheus source cannot run: {query}")
            else:
                expressions.append((f"{name}: variable {variable['name']}", expr))
    text = json.dumps(data)
    for match in VARIABLE_REFERENCE.finditer(text):
        used = match.group(1) or match.group(2)
        if used not in defined and used not in BUILTIN_VARIABLES:
            problems.append(f"{name}: uses ${used}, which it does not define")
    return expressions


def check_promql(expressions: list, problems: list) -> None:
    """promtool parses each expression as a recording rule; one file per
    expression, so a failure names its panel."""
    with tempfile.TemporaryDirectory() as scratch:
        files = []
        for number, (where, expr) in enumerate(expressions):
            for variable, value in SUBSTITUTES.items():
                expr = expr.replace(variable, value)
            path = Path(scratch) / f"expr{number}.yml"
            # JSON is YAML, so promtool reads the file as written.
            path.write_text(json.dumps({"groups": [{"name": "g", "rules": [{"record": "r", "expr": expr}]}]}))
            files.append((where, path, expr))
        try:
            result = subprocess.run(["promtool", "check", "rules", *[str(p) for _, p, _ in files]],
                                    capture_output=True, text=True)
        except FileNotFoundError:
            problems.append("promtool not found: install Debian's prometheus (tools/install-deps.sh)")
            return
        output = result.stdout + result.stderr
        for where, path, expr in files:
            error = re.search(rf"^{re.escape(str(path))}: (.*)$", output, re.M)
            if error:
                problems.append(f"{where}: invalid PromQL {expr!r}: {error.group(1)}")
        if result.returncode != 0 and not any("invalid PromQL" in p for p in problems):
            problems.append(f"promtool check rules failed:\n{output}")


def check_scenario_rows(data: dict, problems: list) -> None:
    """Every catalogue scenario has a row, and the row's panels query each of its metrics."""
    with syslab.Registry() as registry:
        catalogue = registry.catalogue()
    rows = {panel["title"].split(" (")[0]: [t["expr"] for inner in panel.get("panels", []) for t in inner["targets"]]
            for panel in data["panels"] if panel["type"] == "row"}
    for scenario in catalogue:
        exprs = " ".join(rows.get(scenario["name"], []))
        if scenario["name"] not in rows:
            problems.append(f"scenario impact: no row for {scenario['name']}")
        for spec in scenario["metrics"]:
            if not re.search(rf"\b{spec['name']}(_bucket)?\{{[^}}]*scenario=\"{re.escape(scenario['name'])}\"", exprs):
                problems.append(f"scenario impact: the {scenario['name']} row does not query {spec['name']}")


def main() -> int:
    register_default_plugins()
    problems = []
    stale_files(problems)
    expressions = []
    boards = {p.name: json.loads(p.read_text()) for p in sorted(DASHBOARDS.glob("*.json"))}
    if set(boards) != {"syslab-overview.json", "syslab-scenario-impact.json"}:
        problems.append(f"expected the overview and scenario-impact dashboards, found {sorted(boards)}")
    for name, data in boards.items():
        check_round_trip(name, data, problems)
        expressions += check_layout_and_queries(name, data, problems)
    check_promql(expressions, problems)
    if "syslab-scenario-impact.json" in boards:
        check_scenario_rows(boards["syslab-scenario-impact.json"], problems)
    return report(problems, f"in {DASHBOARDS.relative_to(root)}",
                  f"dashboards: {len(boards)} current, valid against the SDK model, {len(expressions)} PromQL expressions parse")


def report(problems: list, where: str, success: str) -> int:
    """Prints the problems, or the success line; the exit status."""
    for problem in problems:
        print(problem)
    if problems:
        print(f"observability: {len(problems)} problem(s) {where}")
        return 1
    print(success)
    return 0


if __name__ == "__main__":
    sys.exit(main())
