#!/usr/bin/env python3
"""Runs the dashboards' and alert rules' PromQL against a real Prometheus
(Debian's `prometheus`) that scrapes a registry's /metrics on loopback while a
few scenarios are enabled and decisions run.

- every dashboard query of an enabled scenario (and every scenario-independent
  one) returns data, and every query of a scenario that is off returns none;
- the `scenario` variable lists exactly the enabled scenarios;
- Prometheus loads syslab-rules.yml, every rule's expression (its threshold taken
  off) returns data, and the alerts the traffic must trigger are pending or firing.

The /metrics here is a stdlib HTTP server around one registry, a stand-in until
`syslab serve` exists. Needs SYSLAB_LIBRARY and prometheus; about 15 s.
"""

import json
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "bindings" / "python"))
import syslab  # noqa: E402
from syslab.decision import METRICS_CONTENT_TYPE, metrics_text  # noqa: E402

sys.path.insert(0, str(root / "tools"))
from check_observability import report  # noqa: E402

RULES = root / "observability" / "syslab-rules.yml"
DASHBOARDS = root / "observability" / "dashboards"
ENABLED = {"fixed-latency": None, "error-burst": {"probability": 1},
           "circuit-breaker": None, "connection-pool-exhaustion": None}
MUST_ALERT = {"SyslabScenariosEnabledForLong", "SyslabErrorInjectionRateHigh"}
SCRAPES_NEEDED = 6
THRESHOLD = re.compile(r"^(.*\S)\s*(?:>|<|==|!=|>=|<=)\s*[\d.]+$", re.S)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_metrics(registry) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = metrics_text(registry).encode()
            self.send_response(200)
            self.send_header("Content-Type", METRICS_CONTENT_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def drive(registry, stop: threading.Event) -> None:
    """Steady traffic, so counters have rates and histograms quantiles."""
    while not stop.is_set():
        registry.decide("/api/orders", "GET", component="postgres")
        time.sleep(0.005)


def query(prometheus: str, expr: str) -> list:
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as response:
        answer = json.load(response)
    if answer["status"] != "success":
        raise RuntimeError(f"{expr}: {answer}")
    return answer["data"]["result"]


def dashboard_queries() -> list:
    """(where, expression) for every panel query and query_result variable."""
    found = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        board = json.loads(path.read_text())
        panels = [p for top in board["panels"] for p in [top, *top.get("panels", [])]]
        for panel in panels:
            found += [(f"{path.name}: {panel['title']}", t["expr"]) for t in panel.get("targets", [])]
        for variable in board["templating"]["list"]:
            inner = re.fullmatch(r"query_result\((.*)\)", str(variable.get("query")), re.S)
            if inner:
                found.append((f"{path.name}: variable {variable['name']}", inner.group(1)))
    return found


def substitute(expr: str) -> str:
    # What Grafana would send: All for workspace, the enabled scenarios for scenario.
    for variable, value in {"$__rate_interval": "10s", "$__range": "1m", "$workspace": ".*",
                            "$scenario": "|".join(sorted(ENABLED))}.items():
        expr = expr.replace(variable, value)
    return expr


def wait_for(what: str, ready, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"gave up waiting for {what} after {seconds:.0f} s")


def check(prometheus: str, problems: list) -> int:
    checked = 0
    for where, expr in dashboard_queries():
        scenario = re.search(r'scenario="([^"]+)"', expr)
        wanted = scenario is None or scenario.group(1) in ENABLED
        if "label_values" in expr:
            continue
        result = query(prometheus, substitute(expr))
        if bool(result) != wanted:
            problems.append(f"{where}: {'no data' if wanted else 'data for a scenario that is off'} from {expr}")
        checked += 1
    listed = {s["metric"].get("scenario") for s in query(prometheus, substitute(
        next(e for w, e in dashboard_queries() if w.endswith("variable scenario"))))}
    if listed != set(ENABLED):
        problems.append(f"the scenario variable lists {sorted(listed)}, expected {sorted(ENABLED)}")

    with urllib.request.urlopen(f"{prometheus}/api/v1/rules", timeout=10) as response:
        rules = [r for g in json.load(response)["data"]["groups"] for r in g["rules"]]
    if len(rules) != RULES.read_text().count("- alert:"):
        problems.append(f"Prometheus loaded {len(rules)} rules from {RULES.name}")
    for rule in rules:
        if rule["health"] not in ("ok", "unknown"):
            problems.append(f"rule {rule['name']}: {rule['health']} {rule.get('lastError', '')}")
        body = THRESHOLD.match(rule["query"])
        if not body:
            problems.append(f"rule {rule['name']}: no threshold to take off in {rule['query']}")
        elif not query(prometheus, body.group(1)):
            problems.append(f"rule {rule['name']}: no data from {body.group(1)}")
        checked += 1
    alerting = {r["name"] for r in rules if r["state"] in ("pending", "firing")}
    for name in sorted(MUST_ALERT - alerting):
        problems.append(f"alert {name} is not pending or firing under the injected traffic")
    return checked


def main() -> int:
    registry = syslab.Registry(seed=7)
    for name, params in ENABLED.items():
        registry.enable(name, params)
    server = serve_metrics(registry)
    stop = threading.Event()
    threading.Thread(target=drive, args=(registry, stop), daemon=True).start()
    port = free_port()
    prometheus = f"http://127.0.0.1:{port}"
    problems = []
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "prometheus.yml"
        config.write_text(json.dumps({
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [{"job_name": "syslab", "static_configs": [
                {"targets": [f"127.0.0.1:{server.server_address[1]}"]}]}]}))
        log = open(Path(scratch) / "prometheus.log", "w")
        try:
            process = subprocess.Popen(
                ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={scratch}/data",
                 f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
        except FileNotFoundError:
            stop.set()
            server.shutdown()
            return report(["prometheus not found: install Debian's prometheus (tools/install-deps.sh)"], "before the live check", "")
        try:
            wait_for("Prometheus to start", lambda: urllib.request.urlopen(f"{prometheus}/-/ready", timeout=2).status == 200, 30)
            wait_for(f"{SCRAPES_NEEDED} scrapes", lambda: query(
                prometheus, f"count_over_time(simulator_scenarios_enabled[1m]) >= {SCRAPES_NEEDED}"), 30)
            checked = check(prometheus, problems)
        except (TimeoutError, RuntimeError) as error:
            problems.append(str(error))
            checked = 0
        finally:
            process.terminate()
            process.wait(timeout=10)
            stop.set()
            server.shutdown()
            if problems:
                print((Path(scratch) / "prometheus.log").read_text()[-2000:])
    return report(problems, "with a live Prometheus",
                  f"live Prometheus: {checked} dashboard and rule expressions answer as their scenarios are on or off")


if __name__ == "__main__":
    sys.exit(main())
