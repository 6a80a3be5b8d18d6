"""Report.html() and the trace page through the Python bindings."""

import csv
import io

import pytest

from syslab import SyslabError, simulation, tracing

HOSTILE = "<script>alert('py')</script>"

TEST = {
    "system": {"topology": {"name": HOSTILE,
                            "nodes": [{"id": "api", "kind": "backend", "label": "\"><img src=x>"},
                                      {"id": "db", "kind": "postgres"}],
                            "edges": [{"from": "api", "to": "db"}]}},
    "workload": {"executor": "constant-arrival-rate", "rate": 40, "duration": "10s"},
    "scenarios": [{"name": "error-burst", "at": "3s", "duration": "3s", "params": {"target": {"tags": ["db"]}}}],
    "options": {"seed": 9, "traces": {"head": 0.05, "errors": True, "max": 5}},
}


def test_report_html_holds_the_run():
    with simulation.loadtest(TEST) as report:
        html = report.html()
        rows = list(csv.DictReader(io.StringIO(report.series_csv())))
        data = report.json()
    assert html.startswith("<!DOCTYPE html>") and html.endswith("</html>\n")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;py&#39;)&lt;/script&gt;" in html
    assert len(rows) >= 10
    for series in ("p50", "p95", "p99"):
        assert html.count(f'class="pt" data-series="{series}"') == len(rows)
    for phase in data["phases"]:
        assert f'data-phase="{phase["name"]}"' in html
    assert 'data-node="db" data-kind="postgres" data-injected="true"' in html
    assert html.count("<li data-severity=") == len(data["diagnosis"])


def test_report_html_on_a_closed_report_raises():
    report = simulation.loadtest(TEST)
    report.close()
    with pytest.raises(ValueError, match="closed"):
        report.html()


def test_trace_page():
    trace = tracing.generate("simple", "error", seed=42)
    page = trace.export("html")
    assert "html" in tracing.FORMATS
    assert page.count('class="wf-row"') == len(trace.spans)
    assert 'id="analysis"' in page and 'data-failing="true"' in page


def test_trace_page_of_a_hostile_trace():
    data = tracing.generate("simple", "success", seed=1).json
    data["spans"][0]["service"] = "<script>alert(1)</script>"
    data["template"] = "\"><b>"
    page = tracing.Trace.from_json(data).export("html")
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unknown_format_is_an_error():
    trace = tracing.generate("simple", "success", seed=1)
    with pytest.raises(SyslabError, match="unknown trace format"):
        trace.export("htm")
