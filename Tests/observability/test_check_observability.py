"""Breaks copies of the committed dashboards on purpose and checks that
tools/check_observability.py reports each fault (a check that cannot fail
proves nothing). Run by `make test-observability`."""

import copy
import json
import shutil
import sys
from pathlib import Path

import pytest

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root / "tools"))
import check_observability as check  # noqa: E402

check.register_default_plugins()
OVERVIEW = json.loads((check.DASHBOARDS / "syslab-overview.json").read_text())
IMPACT = json.loads((check.DASHBOARDS / "syslab-scenario-impact.json").read_text())


def problems_of(function, *args):
    problems = []
    function(*args, problems)
    return problems


def first_graph(board):
    return next(p for p in board["panels"] if p["type"] == "timeseries")


def test_committed_dashboards_pass_every_check():
    for name, board in (("overview", OVERVIEW), ("impact", IMPACT)):
        assert problems_of(check.check_round_trip, name, board) == []
        expressions = []
        assert problems_of(lambda n, b, p: expressions.extend(check.check_layout_and_queries(n, b, p)), name, board) == []
        assert len(expressions) > 3
        assert problems_of(check.check_promql, expressions) == []
    assert problems_of(check.check_scenario_rows, IMPACT) == []


def test_an_unknown_field_fails_the_round_trip():
    board = copy.deepcopy(OVERVIEW)
    first_graph(board)["gridPosition"] = {"h": 8}
    assert any("does not survive" in p for p in problems_of(check.check_round_trip, "x", board))


@pytest.mark.parametrize("fault, message", [
    (lambda b: first_graph(b)["gridPos"].update(x=20), "not inside"),
    (lambda b: first_graph(b)["gridPos"].update(x=0, y=0), "overlaps"),
    (lambda b: first_graph(b).update(datasource=None), "no type or datasource"),
    (lambda b: first_graph(b)["targets"].append(dict(first_graph(b)["targets"][0])), "distinct refIds"),
    (lambda b: first_graph(b)["targets"][0].update(expr="up > $threshold"), "$threshold, which it does not define"),
    (lambda b: first_graph(b).update(id=1), "ids are missing or repeated"),
    (lambda b: b.pop("uid"), "no uid"),
])
def test_layout_and_query_faults_are_reported(fault, message):
    board = copy.deepcopy(OVERVIEW)
    fault(board)
    assert any(message in p for p in problems_of(check.check_layout_and_queries, "x", board))


def test_invalid_promql_names_its_panel():
    problems = problems_of(check.check_promql, [("panel A", "sum(rate(x[5m])"), ("panel B", "sum(x)")])
    assert len(problems) == 1 and problems[0].startswith("panel A: invalid PromQL")


def test_a_scenario_row_missing_a_metric_is_reported():
    board = copy.deepcopy(IMPACT)
    row = next(p for p in board["panels"] if p["title"].startswith("circuit-breaker "))
    row["panels"] = [p for p in row["panels"] if "circuit_breaker_state" not in json.dumps(p)]
    assert problems_of(check.check_scenario_rows, board) == [
        "scenario impact: the circuit-breaker row does not query circuit_breaker_state"]


def test_a_stale_dashboard_is_reported(tmp_path, monkeypatch):
    shutil.copytree(check.DASHBOARDS, tmp_path, dirs_exist_ok=True)
    monkeypatch.setattr(check, "DASHBOARDS", tmp_path)
    assert problems_of(lambda p: check.stale_files(p)) == []
    (tmp_path / "syslab-overview.json").write_text(json.dumps(OVERVIEW))
    (tmp_path / "extra.json").write_text("{}")
    assert problems_of(lambda p: check.stale_files(p)) == [
        "extra.json: differs from what tools/gen_dashboards.py writes now; run `make dashboards`",
        "syslab-overview.json: differs from what tools/gen_dashboards.py writes now; run `make dashboards`"]
