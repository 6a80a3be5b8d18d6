#!/usr/bin/env python3
"""Runs the dashboards' and alert rules' PromQL against a real Prometheus
(Debian's `prometheus`) that scrapes `syslab serve`'s /metrics, with a bearer
token, while processes attached to the fleet's Redis store run decisions.

The set-up, every server on a free loopback port: redis-server; `syslab serve
--redis URL` with a JWT secret; in workspace `obs-active`, a registry in this
process and the `syslab-lua` decider of Tests/fleet, both deciding in a loop,
with four scenarios enabled through serve's API by an operator token; in
workspace `obs-quiet`, a registry deciding with nothing enabled. Prometheus
scrapes serve every second with a viewer token (`authorization` in its scrape
config), and once more without a token, which serve must refuse.

- every dashboard query of an enabled scenario (and every scenario-independent
  one) returns data with `$workspace` set to `obs-active`, so the series carry
  the `workspace` label; every query of a scenario that is off returns none;
- the `workspace` variable lists both workspaces; the `scenario` variable lists
  exactly the enabled scenarios in `obs-active` and none in `obs-quiet`;
- Prometheus loads syslab-rules.yml, every rule's expression (its threshold taken
  off) returns data, every series it returns has a `workspace` label, and the
  alerts the traffic must trigger are pending or firing.

Needs a built libsyslab.so, syslab-lua and syslab (SYSLAB_BUILD), redis-server
and prometheus; about 20 s.
"""

import json
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "bindings" / "python"))
sys.path.insert(0, str(root / "tools"))
from check_observability import report  # noqa: E402
from live_servers import BUILD, Redis, Serve, free_port, stop, token, wait_for  # noqa: E402

import syslab  # noqa: E402

RULES = root / "observability" / "syslab-rules.yml"
DASHBOARDS = root / "observability" / "dashboards"
ACTIVE, QUIET = "obs-active", "obs-quiet"
ENABLED = {"fixed-latency": None, "error-burst": {"probability": 1},
           "circuit-breaker": None, "connection-pool-exhaustion": None}
MUST_ALERT = {"SyslabScenariosEnabledForLong", "SyslabErrorInjectionRateHigh"}
SCRAPES_NEEDED = 6
THRESHOLD = re.compile(r"^(.*\S)\s*(?:>|<|==|!=|>=|<=)\s*[\d.]+$", re.S)


def drive(registry, stop_event: threading.Event) -> None:
    """Steady traffic, so counters have rates and histograms quantiles."""
    while not stop_event.is_set():
        registry.decide("/api/orders", "GET", component="postgres")
        time.sleep(0.005)


def prometheus_api(prometheus: str, path: str, **params) -> dict:
    url = f"{prometheus}/api/v1/{path}?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=10) as response:
        answer = json.load(response)
    if answer["status"] != "success":
        raise RuntimeError(f"{path} {params}: {answer}")
    return answer["data"]


def query(prometheus: str, expr: str) -> list:
    return prometheus_api(prometheus, "query", query=expr)["result"]


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


def substitute(expr: str, workspace: str = ACTIVE) -> str:
    # What Grafana sends with this workspace picked and the enabled scenarios for `scenario`.
    for variable, value in {"$__rate_interval": "10s", "$__range": "1m", "$workspace": workspace,
                            "$scenario": "|".join(sorted(ENABLED))}.items():
        expr = expr.replace(variable, value)
    return expr


def check(prometheus: str, problems: list) -> int:
    checked = 0
    up = {s["metric"]["job"]: s["value"][1] for s in query(prometheus, "up")}
    if up != {"syslab": "1", "syslab-no-token": "0"}:
        problems.append(f"scrapes: up is {up}; expected 1 with the token and 0 without it")

    for where, expr in dashboard_queries():
        scenario = re.search(r'scenario="([^"]+)"', expr)
        wanted = scenario is None or scenario.group(1) in ENABLED
        if "label_values" in expr:
            continue
        result = query(prometheus, substitute(expr))
        if bool(result) != wanted:
            problems.append(f"{where}: {'no data' if wanted else 'data for a scenario that is off'} from {expr}")
        checked += 1

    workspaces = set(prometheus_api(prometheus, "label/workspace/values", **{"match[]": "simulator_scenarios_enabled"}))
    if not {ACTIVE, QUIET} <= workspaces:
        problems.append(f"the workspace variable lists {sorted(workspaces)}, expected {ACTIVE} and {QUIET}")
    variable = next(e for w, e in dashboard_queries() if w.endswith("variable scenario"))
    for workspace, expected in ((ACTIVE, set(ENABLED)), (QUIET, set())):
        listed = {s["metric"].get("scenario") for s in query(prometheus, substitute(variable, workspace))}
        if listed != expected:
            problems.append(f"the scenario variable lists {sorted(listed)} in {workspace}, expected {sorted(expected)}")
        checked += 1

    rules = [r for g in prometheus_api(prometheus, "rules")["groups"] for r in g["rules"]]
    if len(rules) != RULES.read_text().count("- alert:"):
        problems.append(f"Prometheus loaded {len(rules)} rules from {RULES.name}")
    for rule in rules:
        if rule["health"] not in ("ok", "unknown"):
            problems.append(f"rule {rule['name']}: {rule['health']} {rule.get('lastError', '')}")
        body = THRESHOLD.match(rule["query"])
        if not body:
            problems.append(f"rule {rule['name']}: no threshold to take off in {rule['query']}")
            continue
        result = query(prometheus, body.group(1))
        if not result:
            problems.append(f"rule {rule['name']}: no data from {body.group(1)}")
        elif any("workspace" not in s["metric"] for s in result):
            problems.append(f"rule {rule['name']}: series without a workspace label from {body.group(1)}")
        checked += 1
    alerting = {r["name"] for r in rules if r["state"] in ("pending", "firing")}
    for name in sorted(MUST_ALERT - alerting):
        problems.append(f"alert {name} is not pending or firing under the injected traffic")
    return checked


def main() -> int:
    problems, checked = [], 0
    with tempfile.TemporaryDirectory(prefix="syslab-obs-") as scratch:
        scratch = Path(scratch)
        stop_event = threading.Event()
        redis, serve, registries, drivers, lua, prometheus_process = None, None, [], [], None, None
        log_path = scratch / "prometheus.log"
        try:
            redis = Redis(scratch)
            serve = Serve(redis.url)
            active = syslab.Registry(seed=7, store=redis.url, workspace=ACTIVE)
            quiet = syslab.Registry(seed=7, store=redis.url, workspace=QUIET)
            registries = [active, quiet]
            operator = token("operator", ACTIVE)
            for name, params in ENABLED.items():
                status, answer = serve.call("POST", f"/api/workspaces/{ACTIVE}/sim/enable", operator,
                                            {"name": name, **({"params": params} if params else {})})
                if status != 200:
                    raise RuntimeError(f"enabling {name} through syslab serve: {status} {answer}")
            wait_for("the enables to reach this process", lambda: sorted(active.enabled()) == sorted(ENABLED), 5)
            drivers = [threading.Thread(target=drive, args=(r, stop_event), daemon=True) for r in registries]
            for driver in drivers:
                driver.start()
            lua = subprocess.Popen([str(BUILD / "syslab-lua"), str(root / "Tests" / "fleet" / "decider.lua"),
                                    redis.url, ACTIVE, "120"], stdout=subprocess.DEVNULL)

            port = free_port()
            prometheus = f"http://127.0.0.1:{port}"
            scrape = {"static_configs": [{"targets": [serve.address]}]}
            config = scratch / "prometheus.yml"
            config.write_text(json.dumps({
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [str(RULES)],
                "scrape_configs": [
                    {"job_name": "syslab", **scrape,
                     "authorization": {"type": "Bearer", "credentials": token("viewer", "*")}},
                    {"job_name": "syslab-no-token", **scrape}]}))
            try:
                prometheus_process = subprocess.Popen(
                    ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={scratch}/data",
                     f"--web.listen-address=127.0.0.1:{port}"], stdout=log_path.open("w"), stderr=subprocess.STDOUT)
            except FileNotFoundError:
                raise RuntimeError("prometheus not found: install Debian's prometheus (tools/install-deps.sh)")
            wait_for("Prometheus to start", lambda: urllib.request.urlopen(f"{prometheus}/-/ready", timeout=2).status == 200, 30)
            wait_for(f"{SCRAPES_NEEDED} scrapes of {ACTIVE}", lambda: query(
                prometheus, f'count_over_time(simulator_scenarios_enabled{{workspace="{ACTIVE}"}}[1m]) >= {SCRAPES_NEEDED}'), 30)
            checked = check(prometheus, problems)
        except (TimeoutError, RuntimeError, OSError) as error:
            problems.append(str(error))
        finally:
            stop_event.set()
            for process in (prometheus_process, lua):
                if process is not None:
                    stop(process)
            for driver in drivers:
                driver.join(timeout=10)
            for registry in registries:
                registry.close()
            for server in (serve, redis):
                if server is not None:
                    server.stop()
            if problems and log_path.exists():
                print(log_path.read_text()[-2000:])
    return report(problems, "with a live Prometheus",
                  f"live Prometheus scraping syslab serve: {checked} dashboard and rule expressions answer "
                  f"as their scenarios are on or off, by workspace")


if __name__ == "__main__":
    sys.exit(main())
