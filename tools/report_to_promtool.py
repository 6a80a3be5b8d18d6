#!/usr/bin/env python3
"""A load test's time series as Prometheus series, for `promtool test rules`.

The simulator's CSV (`output.csv`, `report:csv()`, `syslab_report_series_csv`)
has one row per interval; each row becomes one scrape at the row's end:

    syslab_loadtest_requests_total            counter: requests completed
    syslab_loadtest_failures_total            counter: requests failed
    syslab_loadtest_latency_seconds{quantile} the interval's p50, p95, p99 (a summary's quantiles)
    syslab_loadtest_in_flight                 requests in flight at the row's end
    syslab_loadtest_utilisation{node}         busy servers / servers (absent for unlimited nodes)
    syslab_loadtest_queue{node}               mean calls waiting for a server
    syslab_loadtest_arrivals_total{node}      counter: calls that reached the node
    syslab_loadtest_pool_wait_seconds{edge}   mean wait for a pooled connection
    syslab_loadtest_retries_total{edge}       counter: retries on the edge
    syslab_loadtest_cache_backend_queries_total{node}  counter: cache misses sent to the backend

every one labelled with --label pairs (default job="syslab-loadtest"). An interval
in which no request completed has no latency sample.

Without --expect it prints the `input_series` list. With --expect it writes a
whole promtool test file for --rules: at each given time, the alerts named are
expected to fire (with the rule's labels, the series' labels and any given in
braces) and every other alert of the rules file is expected to be silent:

    tools/report_to_promtool.py series.csv --interval 15s --rules observability/loadtest-rules.yml \\
        --label system=shop \\
        --expect 1m45s= \\
        --expect '3m45s=LoadTestErrorRatioHigh,LoadTestLatencyP99High,LoadTestPoolWaitHigh{edge=api->db}' \\
        -o alerts.test.yml
    promtool test rules alerts.test.yml
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys

import yaml

PREFIX = "syslab_loadtest_"
FIXED = ["time_s", "started", "completed", "failed", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "in_flight"]
DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class InputError(Exception):
    """Input the tool cannot use; the message says which and why."""


def seconds(text: str) -> float:
    """'15s', '1m30s', '250ms' or a number of seconds."""
    try:
        return float(text)
    except ValueError:
        pass
    parts = DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise InputError(f"'{text}' is not a duration (e.g. 15s, 1m30s)")
    return sum(float(n) * UNITS[u] for n, u in parts)


def promtool_duration(value: float) -> str:
    """Seconds as promtool writes durations (whole milliseconds)."""
    ms = round(value * 1000)
    if ms % 1000:
        return f"{ms}ms"
    return f"{ms // 1000}s"


def series_from_csv(text: str, labels: dict) -> list[dict]:
    """The promtool input_series for one CSV: [{'series': ..., 'values': ...}]."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or rows[0][:len(FIXED)] != FIXED or rows[0][-1] != "scenarios":
        raise InputError("not a load test's time series: the header must start with "
                         + ",".join(FIXED) + " and end with scenarios")
    header, body = rows[0], rows[1:]
    if not body:
        raise InputError("the time series has no rows")
    for n, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise InputError(f"row {n} has {len(row)} fields, the header {len(header)}")

    def column(name: str) -> list[str]:
        i = header.index(name)
        return [row[i] for row in body]

    def number(field: str, where: str) -> float | None:
        if field in ("", "n/a"):
            return None
        try:
            return float(field)
        except ValueError:
            raise InputError(f"{where}: '{field}' is not a number") from None

    out = []

    def add(name: str, extra: dict, values: list, counter: bool) -> None:
        all_labels = {**labels, **extra}
        text = PREFIX + name + "{" + ", ".join(f'{k}="{escape(v)}"' for k, v in sorted(all_labels.items())) + "}"
        if counter:
            # Cumulative, starting at 0 before the first interval.
            total, points = 0.0, ["0"]
            for v in values:
                total += v or 0
                points.append(fmt(total))
        else:
            if all(v is None for v in values):
                return  # an unlimited node has no utilisation
            points = ["_"] + ["_" if v is None else fmt(v) for v in values]
        out.append({"series": text, "values": " ".join(points)})

    completed = [number(v, "completed") for v in column("completed")]
    add("requests_total", {}, completed, True)
    add("failures_total", {}, [number(v, "failed") for v in column("failed")], True)
    for q, name in (("0.5", "p50_ms"), ("0.95", "p95_ms"), ("0.99", "p99_ms")):
        ms = [number(v, name) for v in column(name)]
        add("latency_seconds", {"quantile": q}, [None if not c or m is None else m / 1000 for m, c in zip(ms, completed)], False)
    add("in_flight", {}, [number(v, "in_flight") for v in column("in_flight")], False)

    # Per node (three columns each), then pools, edges and caches, in the simulator's order.
    i = len(FIXED)
    while i + 2 < len(header) - 1 and header[i].endswith("_utilisation"):
        node = header[i][: -len("_utilisation")]
        if header[i + 1] != node + "_queue" or header[i + 2] != node + "_arrivals":
            raise InputError(f"columns {i + 1}-{i + 3} are not {node}'s utilisation, queue and arrivals")
        add("utilisation", {"node": node}, [number(v, header[i]) for v in column(header[i])], False)
        add("queue", {"node": node}, [number(v, header[i + 1]) for v in column(header[i + 1])], False)
        add("arrivals_total", {"node": node}, [number(v, header[i + 2]) for v in column(header[i + 2])], True)
        i += 3
    for suffix, name, scale, counter, label in (("_pool_wait_ms", "pool_wait_seconds", 0.001, False, "edge"),
                                                ("_retries", "retries_total", 1, True, "edge"),
                                                ("_backend_queries", "cache_backend_queries_total", 1, True, "node")):
        while i < len(header) - 1 and header[i].endswith(suffix):
            values = [number(v, header[i]) for v in column(header[i])]
            add(name, {label: header[i][: -len(suffix)]}, [None if v is None else v * scale for v in values], counter)
            i += 1
    if i != len(header) - 1:
        raise InputError(f"unexpected column '{header[i]}'")
    return out


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def fmt(v: float) -> str:
    return f"{v:.9g}" if v == v else "NaN"


def parse_expect(text: str) -> tuple[float, list[tuple[str, dict]]]:
    """'3m45s=A,B{edge=api->db}' -> (225.0, [('A', {}), ('B', {'edge': 'api->db'})])."""
    at, sep, names = text.partition("=")
    if not sep:
        raise InputError(f"--expect '{text}' must be TIME=ALERT,ALERT{{label=value}} (or TIME= for none)")
    alerts = []
    for item in re.findall(r"[^,{]+(?:\{[^}]*\})?", names):
        name, _, rest = item.strip().partition("{")
        extra = {}
        if rest:
            for pair in rest.rstrip("}").split(","):
                k, eq, v = pair.partition("=")
                if not eq:
                    raise InputError(f"--expect '{text}': '{pair}' is not label=value")
                extra[k.strip()] = v.strip().strip('"')
        alerts.append((name, extra))
    return seconds(at), alerts


def render(template: str, labels: dict, alert: str) -> str:
    """Expands {{ $labels.x }}; promtool compares annotations exactly, so a $value cannot be predicted."""
    if "$value" in template or re.search(r"\{\{(?!\s*\$labels\.\w+\s*\}\})", template):
        raise InputError(f"{alert}: annotations may use only {{{{ $labels.name }}}} to be testable: {template!r}")
    return re.sub(r"\{\{\s*\$labels\.(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), template)


def test_file(series: list, rules_path: str, out_path: str, interval: float, labels: dict,
              expectations: list) -> dict:
    with open(rules_path) as f:
        rules = [r for g in yaml.safe_load(f)["groups"] for r in g["rules"] if "alert" in r]
    known = {r["alert"]: r for r in rules}
    tests = []
    for at, alerts in expectations:
        for name, _ in alerts:
            if name not in known:
                raise InputError(f"--expect names {name}, which {rules_path} does not define (it has {', '.join(known)})")
        for rule in rules:
            expected = []
            for name, extra in alerts:
                if name != rule["alert"]:
                    continue
                alert_labels = {**labels, **extra, **{k: str(v) for k, v in (rule.get("labels") or {}).items()}}
                annotations = {k: render(str(v), alert_labels, name) for k, v in (rule.get("annotations") or {}).items()}
                expected.append({"exp_labels": alert_labels, "exp_annotations": annotations})
            tests.append({"eval_time": promtool_duration(at), "alertname": rule["alert"], "exp_alerts": expected})
    rule_file = os.path.relpath(os.path.abspath(rules_path), os.path.dirname(os.path.abspath(out_path)))
    return {"rule_files": [rule_file], "evaluation_interval": promtool_duration(interval),
            "tests": [{"interval": promtool_duration(interval), "input_series": series, "alert_rule_test": tests}]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", help="the load test's time series (CSV), or - for stdin")
    parser.add_argument("--interval", required=True, help="the run's options.interval (e.g. 15s): one scrape per row")
    parser.add_argument("--label", action="append", default=[], metavar="NAME=VALUE",
                        help='a label on every series (default: job="syslab-loadtest")')
    parser.add_argument("--rules", help="the rules file the test loads (needed with --expect)")
    parser.add_argument("--expect", action="append", default=[], metavar="TIME=ALERT,...",
                        help="at TIME, exactly these alerts of --rules fire (TIME= for none)")
    parser.add_argument("-o", "--output", default="-", help="where to write the YAML (default: stdout)")
    args = parser.parse_args(argv)
    try:
        labels = {"job": "syslab-loadtest"}
        for pair in args.label:
            name, eq, value = pair.partition("=")
            if not eq or not re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", name):
                raise InputError(f"--label '{pair}' must be name=value with a Prometheus label name")
            labels[name] = value
        interval = seconds(args.interval)
        if interval <= 0:
            raise InputError("--interval must be positive")
        text = sys.stdin.read() if args.csv == "-" else open(args.csv, encoding="utf-8").read()
        series = series_from_csv(text, labels)
        if args.expect:
            if not args.rules:
                raise InputError("--expect needs --rules")
            document = test_file(series, args.rules, "." if args.output == "-" else args.output, interval, labels,
                                 [parse_expect(e) for e in args.expect])
        else:
            document = series
    except (InputError, OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        print(f"report_to_promtool: {error}", file=sys.stderr)
        return 2
    out = yaml.safe_dump(document, sort_keys=False, width=1000)
    if args.output == "-":
        sys.stdout.write(out)
    else:
        with open(args.output, "w") as f:
            f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
