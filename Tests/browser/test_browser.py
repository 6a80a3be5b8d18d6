"""The HTML report and the trace page in a real headless Chromium (Debian's
`chromium`, driven over the DevTools pipe by tools/chromium_devtools.py):
they load without console errors or blocked loads, render at desktop and
phone widths without sideways scrolling of the page, switch to dark colours
with prefers-color-scheme, keep hostile names inert, and their DOM holds one
latency point per interval, the diagnosis, the phases and the injected nodes.

Run by `make test-browser` (part of `make test`) against the release build:
SYSLAB_LIBRARY names libsyslab.so and SYSLAB_BUILD the folder with syslab-lua.
Screenshots land in $BROWSER_SHOTS (default: pytest's temporary folder)."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root / "tools"))
sys.path.insert(0, str(root / "bindings" / "python"))

from chromium_devtools import Chromium, png_size  # noqa: E402
from syslab import simulation, tracing  # noqa: E402

WIDTHS = (1280, 390)
HOSTILE_NAME = "<img src=x onerror=\"document.title='pwned'\"> & <script>document.title='pwned'</script>"


@pytest.fixture(scope="module")
def browser():
    with Chromium() as b:
        yield b


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("BROWSER_SHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`make demo`'s run, its report written by demo.lua --html."""
    build = Path(os.environ.get("SYSLAB_BUILD", root / ".build" / "release"))
    path = tmp_path_factory.mktemp("demo") / "demo-report.html"
    done = subprocess.run([str(build / "syslab-lua"), "scripts/examples/demo.lua", "--html", str(path)], cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A report whose names try to run script, with its JSON and CSV beside it."""
    test = {
        "system": {"topology": {"name": HOSTILE_NAME,
                                "nodes": [{"id": "api", "kind": "backend", "label": HOSTILE_NAME},
                                          {"id": "db", "kind": "postgres", "operation": "</svg></style>" + HOSTILE_NAME}],
                                "edges": [{"from": "api", "to": "db"}]}},
        "workload": {"executor": "constant-arrival-rate", "rate": 80, "duration": "20s"},
        "scenarios": [{"name": "error-burst", "at": "5s", "duration": "5s", "params": {"target": {"tags": ["db"]}}}],
        "thresholds": {"http_req_failed": ["rate<0.01"]},
        "options": {"seed": 5, "traces": {"head": 0.05, "errors": True, "max": 5}},
    }
    with simulation.loadtest(test) as report:
        folder = tmp_path_factory.mktemp("hostile")
        (folder / "report.html").write_text(report.html())
        return folder / "report.html", report.json(), report.series_csv()


def csv_rows(text: str) -> int:
    return len(list(csv.DictReader(io.StringIO(text))))


def check_renders(browser, path: Path, shots: Path, name: str):
    """Opens the page at both widths, light and dark: no error, no page-wide
    sideways scroll at phone width, a full-page screenshot of the right width."""
    backgrounds = {}
    for dark in (False, True):
        for width in WIDTHS:
            page = browser.open(path.resolve().as_uri(), width=width, dark=dark)
            assert page.errors == [], f"{name} at {width}px: {page.errors}"
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{name} at {width}px is {scroll_width}px wide: the page scrolls sideways"
            backgrounds[dark] = page.evaluate("getComputedStyle(document.body).backgroundColor")
            shot = page.screenshot(shots / f"{name}-{width}{'-dark' if dark else ''}.png")
            w, h = png_size(shot)
            assert w == width and h > 600, (shot, w, h)
            assert page.errors == []
            page.close()
    assert backgrounds[False] != backgrounds[True], "prefers-color-scheme: dark changes the colours"


def test_demo_report_renders(browser, demo, shots):
    check_renders(browser, demo, shots, "demo-report")


def test_demo_report_dom(browser, demo):
    page = browser.open(demo.resolve().as_uri(), width=1280)
    js = page.evaluate
    intervals = js("document.querySelectorAll('#latency-chart circle.pt[data-series=\"p50\"]').length")
    assert intervals >= 60, "the demo runs 60 s in 1 s intervals"
    for series in ("p50", "p95", "p99", "failure_rate"):
        assert js(f"document.querySelectorAll('#latency-chart circle.pt[data-series=\"{series}\"]').length") == intervals
    assert js("document.getElementById('latency-chart').dataset.points") == str(intervals)
    # The pool exhaustion runs from 20 s to 40 s: its window is shaded.
    assert js("document.querySelectorAll('#latency-chart rect.window[data-scenario=\"connection-pool-exhaustion\"]').length") == 1
    assert js("document.querySelectorAll('#phases-table tbody tr').length") == 3
    assert js("document.querySelectorAll('#diagnosis li[data-severity]').length") >= 1
    assert js("[...document.querySelectorAll('#topology-diagram g.node[data-injected=\"true\"]')].map(n => n.dataset.node)") == ["orders-db"]
    assert js("document.querySelectorAll('#trace .wf-row').length") >= 2
    page.close()


def test_hostile_names_stay_text(browser, hostile, shots):
    path, report_json, series_csv = hostile
    check_renders(browser, path, shots, "hostile-report")
    page = browser.open(path.resolve().as_uri(), width=1280)
    js = page.evaluate
    assert js("document.title") != "pwned"
    assert js("document.querySelectorAll('script, img').length") == 0
    assert HOSTILE_NAME in js("document.querySelector('h1').textContent")
    intervals = csv_rows(series_csv)
    for series in ("p50", "p95", "p99"):
        assert js(f"document.querySelectorAll('#latency-chart circle.pt[data-series=\"{series}\"]').length") == intervals
    phases = report_json["phases"]
    assert js("[...document.querySelectorAll('#phases-table tbody tr')].map(r => r.dataset.phase)") == [p["name"] for p in phases]
    findings = report_json["diagnosis"]
    assert js("document.querySelectorAll('#findings > li').length") == len(findings) > 0
    injected = sorted({node for phase in report_json["injected"]["phases"]
                       for node, calls in phase["effects"].items() if calls > 0})
    assert injected == ["db"]
    marked = js("[...document.querySelectorAll('#topology-diagram g.node[data-injected=\"true\"]')].map(n => n.dataset.node).sort()")
    assert marked == injected
    failing = js("[...document.querySelectorAll('#topology-diagram g.node[data-failing=\"true\"]')].map(n => n.dataset.node)")
    assert "db" in failing
    assert page.errors == []
    page.close()


def test_trace_page(browser, shots, tmp_path):
    trace = tracing.generate("api-gateway-microservices", "error", seed=7)
    path = tmp_path / "trace.html"
    path.write_text(trace.export("html"))
    check_renders(browser, path, shots, "trace-page")
    page = browser.open(path.resolve().as_uri(), width=1280)
    js = page.evaluate
    spans = trace.spans
    assert js("document.querySelectorAll('#waterfall .wf-row').length") == len(spans)
    assert js("document.querySelectorAll('#spans-table tbody tr').length") == len(spans)
    analysis = trace.analysis()
    assert js("document.querySelectorAll('#analysis li[data-severity]').length") == len(analysis["findings"]) > 0
    failing = {s.get("node") or s["service"] for s in spans if s["status"]["code"] == "error"}
    assert set(js("[...document.querySelectorAll('#service-map-diagram g.node[data-failing=\"true\"]')].map(n => n.dataset.node)")) == failing
    page.close()


def test_the_client_sees_errors(browser, tmp_path):
    """The checks above can fail: a page that throws, logs an error and tries
    to fetch under the reports' Content-Security-Policy yields all three."""
    path = tmp_path / "broken.html"
    path.write_text("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
                    "content=\"default-src 'none'; script-src 'unsafe-inline'\"></head><body>"
                    "<img src=\"http://127.0.0.1:9/blocked.png\">"
                    "<script>console.error('logged'); null.boom;</script></body></html>")
    page = browser.open(path.resolve().as_uri(), width=390)
    joined = "\n".join(page.errors)
    assert "console.error: logged" in joined
    assert "exception: TypeError" in joined
    assert "Content Security Policy" in joined or "blocked" in joined.lower(), joined
    page.close()


def test_picture_of_some_panels(browser, hostile, tmp_path):
    """screenshot_report.py --only (the tutorials' cropped pictures): the other
    panels are hidden, the picture is shorter than the whole page, and a panel
    id the page lacks is an error, not a blank picture."""
    import screenshot_report
    path = hostile[0]
    page = browser.open(path.resolve().as_uri(), width=1280)
    full_height = page.evaluate("document.documentElement.scrollHeight")
    assert screenshot_report.show_only(page, ["phases", "latency"]) == []
    shown = page.evaluate("[...document.querySelectorAll('section.panel')].filter(p => p.offsetParent !== null).map(p => p.id)")
    assert shown == ["phases", "latency"]
    assert page.evaluate("document.documentElement.scrollHeight") < full_height
    assert screenshot_report.show_only(page, ["latency", "no-such-panel"]) == ["no-such-panel"]
    page.close()

    tool = [sys.executable, str(root / "tools" / "screenshot_report.py"), str(path), "--widths", "1280"]
    done = subprocess.run(tool + ["--out", str(tmp_path / "some"), "--only", "latency"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    w, h = png_size(tmp_path / "some-1280.png")
    assert w == 1280 and 0 < h < full_height
    missing = subprocess.run(tool + ["--out", str(tmp_path / "none"), "--only", "latency,no-such-panel"],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "no panel with id no-such-panel" in missing.stderr
    assert not (tmp_path / "none-1280.png").exists()
    bad = subprocess.run(tool + ["--only", "latency;rm"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--only takes panel ids" in bad.stderr
