#!/usr/bin/env python3
"""Generates the Grafana dashboards in observability/dashboards from the metric
specs of the scenario catalogue (read through the Python bindings), with
grafana-foundation-sdk's builders.

    tools/gen_dashboards.py [--out DIR]     write the dashboards (default observability/dashboards)

Needs SYSLAB_LIBRARY (or an installed libsyslab.so), as the Python bindings do.
"""

import argparse
import json
import sys
from pathlib import Path

try:
    from grafana_foundation_sdk.builders import common, dashboard as dash
    from grafana_foundation_sdk.builders import prometheus, stat, timeseries
    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.models.common import LegendDisplayMode, LegendPlacement, SortOrder, TooltipDisplayMode
    from grafana_foundation_sdk.models.dashboard import DataSourceRef, VariableHide, VariableRefresh, VariableSort
except ImportError as error:  # the SDK needs Python 3.11+
    sys.exit(f"{error}: install grafana-foundation-sdk (tools/install-deps.sh, Python 3.11 or later)")

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "bindings" / "python"))
import syslab  # noqa: E402

DEFAULT_OUT = root / "observability" / "dashboards"
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
# The fleet server adds a `workspace` label; a library's own /metrics has none,
# and `workspace=~".*"` (the All value) also matches series without the label.
WS = 'workspace=~"$workspace"'
QUANTILES = (0.5, 0.95, 0.99)

# simulator_scenarios_enabled is one unlabelled gauge (how many are enabled), so
# the scenarios active in the time range come from the per-scenario series:
# enabled during the range (simulator_scenarios_active_total grew) or injecting.
ACTIVE_SCENARIOS = (
    f"sum by (scenario) (increase(simulator_scenarios_active_total{{{WS}}}[$__range])) > 0"
    f" or sum by (scenario) (increase(simulator_injections_total{{{WS}}}[$__range])) > 0"
)


def query(expr: str, legend: str, ref: str) -> prometheus.Dataquery:
    return prometheus.Dataquery().expr(expr).legend_format(legend).ref_id(ref)


def quantile_queries(metric: str, selector: str, by: str, legend: str) -> list:
    return [
        query(f"histogram_quantile({q}, sum by (le{by}) (rate({metric}_bucket{{{selector}}}[$__rate_interval])))",
              f"p{round(q * 100)}{legend}", chr(ord("A") + i))
        for i, q in enumerate(QUANTILES)
    ]


def graph(title: str, description: str, unit: str, queries: list, width: int = 12) -> timeseries.Panel:
    panel = timeseries.Panel().title(title).description(description).unit(unit).datasource(DATASOURCE)
    panel.legend(common.VizLegendOptions().show_legend(True).display_mode(LegendDisplayMode.LIST)
                 .placement(LegendPlacement.BOTTOM))
    panel.tooltip(common.VizTooltipOptions().mode(TooltipDisplayMode.MULTI).sort(SortOrder.DESCENDING))
    panel.line_width(1).fill_opacity(10).span_nulls(False)
    return panel.height(8).span(width).targets(queries)


def common_variables(board: dash.Dashboard) -> dash.Dashboard:
    board.with_variable(dash.DatasourceVariable("datasource").label("Data source").type("prometheus"))
    return board.with_variable(
        dash.QueryVariable("workspace").label("Workspace").datasource(DATASOURCE)
        .query("label_values(simulator_scenarios_enabled, workspace)")
        .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED).sort(VariableSort.ALPHABETICAL_ASC)
        .multi(True).include_all(True).all_value(".*"))


def new_dashboard(uid: str, title: str, description: str) -> dash.Dashboard:
    board = (dash.Dashboard(title).uid(uid).description(description).tags(["syslab"])
             .time("now-30m", "now").refresh("30s").timezone("browser").editable())
    return common_variables(board)


def overview() -> dash.Dashboard:
    board = new_dashboard("syslab-overview", "syslab: overview",
                          "Which failure scenarios are enabled, how many effects they inject, and how long those effects last.")
    board.with_panel(
        stat.Panel().title("Enabled scenarios")
        .description("simulator_scenarios_enabled: the most any process reports in a workspace (processes sharing "
                     "a store report the same set), summed over the selected workspaces.")
        .datasource(DATASOURCE).height(6).span(6).reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]))
        .with_target(query(f"sum(max by (workspace) (simulator_scenarios_enabled{{{WS}}}))", "enabled", "A")))
    board.with_panel(
        graph("Enabled scenarios by workspace", "simulator_scenarios_enabled per workspace and process.", "short",
              [query(f"simulator_scenarios_enabled{{{WS}}}", "{{workspace}} {{instance}}", "A")], width=18)
        .height(6))
    board.with_panel(
        graph("Injections by scenario and effect", "Rate of effects handed out by decisions (simulator_injections_total).",
              "ops", [query(f"sum by (scenario, effect) (rate(simulator_injections_total{{{WS}}}[$__rate_interval]))",
                            "{{scenario}} {{effect}}", "A")], width=24))
    board.with_panel(
        graph("Scenario enables", "Times each scenario was enabled in the interval (simulator_scenarios_active_total).",
              "short", [query(f"sum by (scenario) (increase(simulator_scenarios_active_total{{{WS}}}[$__rate_interval]))",
                              "{{scenario}}", "A")]))
    board.with_panel(
        graph("Effect durations p50 / p95 / p99",
              "Wall time injected effects add to a request (simulator_effect_duration_seconds).", "s",
              quantile_queries("simulator_effect_duration_seconds", WS, ", scenario, effect", " {{scenario}} {{effect}}")))
    return board


def metric_panel(scenario: str, spec: dict) -> timeseries.Panel:
    """One panel for one of a scenario's metrics: a counter as its rate, a gauge as
    its value, a histogram as p50/p95/p99."""
    name, kind = spec["name"], spec["type"]
    selector = f'{WS}, scenario="{scenario}", scenario=~"$scenario"'
    extra = [label for label in spec["labels"] if label != "scenario"]
    by = "".join(f", {label}" for label in extra)
    legend = "".join(f" {{{{{label}}}}}" for label in extra)
    if kind == "counter":
        queries = [query(f"sum by (workspace{by}) (rate({name}{{{selector}}}[$__rate_interval]))",
                         f"{{{{workspace}}}}{legend}", "A")]
        return graph(f"{name} (rate)", spec["help"], "ops", queries)
    if kind == "gauge":
        queries = [query(f"sum by (workspace{by}) ({name}{{{selector}}})", f"{{{{workspace}}}}{legend}", "A")]
        return graph(name, spec["help"], "short", queries)
    if kind == "histogram":
        unit = "s" if name.endswith("_seconds") else "short"
        return graph(f"{name} p50 / p95 / p99", spec["help"], unit, quantile_queries(name, selector, by, legend))
    raise ValueError(f"metric {name} of scenario {scenario} has an unknown type {kind!r}")


def scenario_impact(catalogue: list) -> dash.Dashboard:
    board = new_dashboard("syslab-scenario-impact", "syslab: scenario impact",
                          "Injected effects of each active scenario, then a row per scenario with its own metrics.")
    board.with_variable(
        dash.QueryVariable("scenario").label("Active scenario").datasource(DATASOURCE)
        .description("Scenarios enabled or injecting in the time range.")
        .query(f"query_result({ACTIVE_SCENARIOS})").regex('/scenario="([^"]+)"/')
        .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED).sort(VariableSort.ALPHABETICAL_ASC)
        .multi(True).include_all(True).hide(VariableHide.DONT_HIDE))

    # Repeated once per active scenario: what every scenario has (its effects, and
    # its gauges, which keep their names in a plain selector).
    active = f'{WS}, scenario=~"$scenario"'
    gauges = sorted({m["name"] for entry in catalogue for m in entry["metrics"] if m["type"] == "gauge"})
    board.with_row(dash.Row("Active scenario: $scenario").repeat("scenario"))
    board.with_panel(graph(
        "Injections by effect", "simulator_injections_total of this scenario.", "ops",
        [query(f"sum by (effect) (rate(simulator_injections_total{{{active}}}[$__rate_interval]))", "{{effect}}", "A")], width=8))
    board.with_panel(graph(
        "Effect durations p50 / p95 / p99", "simulator_effect_duration_seconds of this scenario.", "s",
        quantile_queries("simulator_effect_duration_seconds", active, ", effect", " {{effect}}"), width=8))
    board.with_panel(graph(
        "Gauges", "The gauges this scenario sets.", "short",
        [query(f'{{__name__=~"{"|".join(gauges)}", {active}}}', "{{__name__}} {{instance}}", "A")], width=8))

    # One collapsed row per scenario with a panel per metric; the panels filter on
    # the active scenarios too, so they stay empty while their scenario is off.
    for entry in sorted(catalogue, key=lambda s: s["name"]):
        row = dash.Row(f"{entry['name']} ({entry['category']})")
        for spec in entry["metrics"]:
            row.with_panel(metric_panel(entry["name"], spec))
        board.with_row(row)
    return board


def render(board: dash.Dashboard) -> str:
    model = board.build()
    # Distinct panel ids, in order, so links and repeats stay stable across regenerations.
    panels = [p for top in model.panels for p in [top, *(getattr(top, "panels", None) or [])]]
    for number, panel in enumerate(panels, start=1):
        panel.id_val = number
    return json.dumps(model, cls=JSONEncoder, indent=2, sort_keys=True) + "\n"


def generate() -> dict:
    """File name -> dashboard JSON text."""
    with syslab.Registry() as registry:
        catalogue = registry.catalogue()
    return {"syslab-overview.json": render(overview()),
            "syslab-scenario-impact.json": render(scenario_impact(catalogue))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write the dashboards into")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in generate().items():
        (args.out / name).write_text(text)
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
