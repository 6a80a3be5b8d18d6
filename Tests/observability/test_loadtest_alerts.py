"""observability/loadtest-rules.yml against series the simulator produced: a
load test's time series goes through tools/report_to_promtool.py into
`promtool test rules`, which must see the expected alerts fire while a pool
is exhausted and none before or after it. A broken rule or expectation makes
promtool fail, which the last tests check. Run by `make test-observability`."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root / "bindings" / "python"))
sys.path.insert(0, str(root / "tools"))
import report_to_promtool as convert  # noqa: E402
from syslab import simulation  # noqa: E402

RULES = root / "observability" / "loadtest-rules.yml"

# Two minutes of baseline, two of an exhausted connection pool at the database
# (10 connections held 200 ms each serve 50 queries/s of the 80 arriving), two of recovery.
TEST = {
    "system": {
        "topology": {
            "name": "shop",
            "nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}],
            "edges": [{"from": "api", "to": "db"}],
        },
        "nodes": {"api": {"servers": 512}, "db": {"service": {"kind": "exponential", "mean": "5ms"}}},
        "edges": {"api->db": {"pool": {"size": 40, "wait_timeout": "2s"}}},
    },
    "workload": {"executor": "constant-arrival-rate", "rate": 80, "duration": "6m"},
    "scenarios": [{"name": "connection-pool-exhaustion", "at": "2m", "duration": "2m",
                   "params": {"pool_size": 10, "hold_ms": 200, "acquire_timeout_ms": 1000,
                              "target": {"tags": ["db"]}}}],
    "options": {"seed": 12, "interval": "15s", "traces": {"head": 0, "errors": False}},
}

# What the page claims: in the failure phase users see failures and slow answers,
# and the cause (callers waiting for their pooled connections) opens a ticket.
FIRING = "LoadTestErrorRatioHigh,LoadTestLatencyP99High,LoadTestPoolWaitHigh{edge=api->db}"
EXPECTATIONS = ["1m45s=", "3m45s=" + FIRING, "5m45s="]


@pytest.fixture(scope="module")
def series_csv():
    if shutil.which("promtool") is None:
        pytest.fail("promtool is not installed: run `make build` (tools/install-deps.sh installs prometheus)")
    with simulation.loadtest(TEST) as report:
        return report.series_csv()


def promtool(tmp_path, csv_text, expectations, rules=RULES):
    (tmp_path / "series.csv").write_text(csv_text)
    out = tmp_path / "alerts.test.yml"
    args = [str(tmp_path / "series.csv"), "--interval", "15s", "--label", "system=shop",
            "--rules", str(rules), "-o", str(out)]
    for e in expectations:
        args += ["--expect", e]
    assert convert.main(args) == 0
    return subprocess.run(["promtool", "test", "rules", str(out)], capture_output=True, text=True, timeout=120)


def test_alerts_fire_in_the_failure_phase_only(tmp_path, series_csv):
    result = promtool(tmp_path, series_csv, EXPECTATIONS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_series_carry_the_run(series_csv):
    series = {s["series"]: s["values"].split() for s in convert.series_from_csv(series_csv, {"job": "j"})}
    requests = series['syslab_loadtest_requests_total{job="j"}']
    assert requests[0] == "0" and len(requests) == 1 + 24 + 1  # 6 min of 15 s rows, and the last partial row
    assert float(requests[-1]) == pytest.approx(80 * 360, rel=0.02)
    failures = [float(v) for v in series['syslab_loadtest_failures_total{job="j"}']]
    assert failures[8] == 0 and failures[16] > 1000 and failures[-1] == failures[17]  # only between 2 and 4 min
    assert 'syslab_loadtest_pool_wait_seconds{edge="api->db", job="j"}' in series
    assert 'syslab_loadtest_utilisation{job="j", node="db"}' in series


def test_a_wrong_expectation_fails(tmp_path, series_csv):
    # Claiming silence during the failure, or an alert during the baseline, must fail.
    for wrong in (["3m45s="], ["1m45s=LoadTestErrorRatioHigh"]):
        result = promtool(tmp_path, series_csv, wrong)
        assert result.returncode != 0, f"promtool accepted {wrong}"


def test_a_broken_rule_fails(tmp_path, series_csv):
    rules = yaml.safe_load(RULES.read_text())
    rules["groups"][0]["rules"][0]["expr"] = "rate(syslab_loadtest_failures_total[1m]) > 1e9"
    broken = tmp_path / "broken-rules.yml"
    broken.write_text(yaml.safe_dump(rules))
    result = promtool(tmp_path, series_csv, EXPECTATIONS, rules=broken)
    assert result.returncode != 0


def test_bad_input_is_refused(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    for text in ("", "a,b\n1,2\n", ",".join(convert.FIXED) + ",scenarios\n", "\xff"):
        bad.write_bytes(text.encode("latin-1"))
        assert convert.main([str(bad), "--interval", "15s"]) == 2
    assert "not a load test's time series" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(",".join(convert.FIXED) + ",scenarios\n15,1,1,0,1,1,1,1,0,\n")
    assert convert.main([str(good), "--interval", "soon"]) == 2
    assert convert.main([str(good), "--interval", "15s", "--expect", "1m="]) == 2  # --expect needs --rules
    assert convert.main([str(good), "--interval", "15s", "--rules", str(RULES), "--expect", "1m=NoSuchAlert"]) == 2
    assert convert.main([str(good), "--interval", "15s", "--label", "bad-name=x"]) == 2
    assert convert.main([str(good), "--interval", "15s", "-o", str(tmp_path / "s.yml")]) == 0
    assert "syslab_loadtest_requests_total" in (tmp_path / "s.yml").read_text()
