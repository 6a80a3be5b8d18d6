"""Simulated load tests and queueing stations, in virtual time.

    from syslab import simulation
    station = simulation.queue(lam=350, mu=100, servers=4, customers=1_000_000, seed=1)
    print(station["mean_wq"], station["p99_w"])

    report = simulation.loadtest({
        "system": {"template": "redis-cache"},
        "workload": {"executor": "constant-arrival-rate", "rate": 200, "duration": "60s"},
        "scenarios": [{"name": "slow-db-query", "at": "20s", "duration": "20s",
                       "params": {"target": {"tags": ["db"]}}}],
        "thresholds": {"http_req_duration": ["p(99)<300"]},
    })
    print(report.summary())
    report.passed            # every threshold held?
    report.json()["phases"]  # before / during / after
    report.series_csv()      # one row per second
    report.html()            # one self-contained HTML page (charts, topology, diagnosis)
    report.traces()          # sampled traces, renderable with syslab.tracing
    report.logs()            # one structured log line per sampled request, with its trace_id

The test description is the same JSON the Lua and C interfaces take
(docs/simulation.md). Errors raise SyslabError with the library's message.
"""

from __future__ import annotations

import ctypes
import json
from typing import Any, Optional, Union

from . import _native
from ._native import check, declare, to_json

_out = ctypes.POINTER(ctypes.c_void_p)
_handle = ctypes.c_void_p
_queue = declare("syslab_queue_run", ctypes.c_int, ctypes.c_char_p, _out)
_run = declare("syslab_loadtest_run", ctypes.c_int, ctypes.POINTER(_handle), _handle, ctypes.c_char_p)
_free = declare("syslab_report_free", None, _handle)
_json = declare("syslab_report_json", ctypes.c_int, _handle, _out)
_summary = declare("syslab_report_summary", ctypes.c_int, _handle, _out)
_html = declare("syslab_report_html", ctypes.c_int, _handle, _out)
_csv = declare("syslab_report_series_csv", ctypes.c_int, _handle, _out)
_traces = declare("syslab_report_traces_json", ctypes.c_int, _handle, _out)
_logs = declare("syslab_report_logs_jsonl", ctypes.c_int, _handle, _out)
_passed = declare("syslab_report_passed", ctypes.c_int, _handle, ctypes.POINTER(ctypes.c_int))
_percentile = declare("syslab_report_percentile", ctypes.c_int, _handle, ctypes.c_double, ctypes.c_int,
                      ctypes.POINTER(ctypes.c_double))

Json = Union[str, bytes, dict]


def queue(model: Optional[Json] = None, **fields: Any) -> dict:
    """Simulates one queueing station (A/S/c/K). Give a dict or keywords:
    lam (or lambda), mu, servers, capacity, customers, seed, service ("exp"|"det").
    Returns mean_wq, mean_w, mean_l, p50_w, p90_w, p99_w, blocking, n, ... (seconds)."""
    if model is None:
        model = dict(fields)
        if "lam" in model:
            model["lambda"] = model.pop("lam")
    elif fields:
        raise TypeError("give the model as a dict or as keywords, not both")
    return _native.call_for_json(_queue, to_json(model))


class Report(_native.OwnedHandle):
    """A finished load test. Use as a context manager, or call close()."""

    _free = staticmethod(_free)
    _what = "report"

    def json(self) -> dict:
        """The versioned JSON summary ({"format": "syslab.loadtest", "version": 1, ...})."""
        return _native.call_for_json(_json, self.handle)

    def summary(self) -> str:
        """The end-of-test summary as text."""
        return _native.call_for_string(_summary, self.handle)

    def html(self) -> str:
        """The report as one self-contained HTML page (no script, no network):
        summary, thresholds, phases, latency and throughput over time, the
        components, the topology with injected and failing nodes, the
        diagnosis and a sampled trace."""
        return _native.call_for_string(_html, self.handle)

    def series_csv(self) -> str:
        """The time series as CSV, one row per interval."""
        return _native.call_for_string(_csv, self.handle)

    def traces(self) -> list:
        """Sampled traces in the "trace-json" form (see syslab.tracing for exports)."""
        return _native.call_for_json(_traces, self.handle)

    def logs_jsonl(self) -> str:
        """The structured request logs as JSON Lines, one per sampled request."""
        return _native.call_for_string(_logs, self.handle)

    def logs(self) -> list:
        """The structured request logs as dicts (ts, level, msg, trace_id, span_id,
        node, status, latency_ms, error, scenarios, sampled_by); the ids are those
        of traces()."""
        return [json.loads(line) for line in self.logs_jsonl().splitlines()]

    @property
    def passed(self) -> bool:
        """True when every threshold held (or there were none)."""
        out = ctypes.c_int()
        check(_passed(self.handle, ctypes.byref(out)))
        return out.value == 1

    def percentile(self, p: float, corrected: bool = True) -> float:
        """Request latency at percentile p (0-100) in seconds, from the intended
        start (corrected) or from the send."""
        out = ctypes.c_double()
        check(_percentile(self.handle, p, 1 if corrected else 0, ctypes.byref(out)))
        return out.value

    def __repr__(self) -> str:
        if self._handle is None:
            return "<syslab Report (closed)>"
        data = self.json()
        return (f"<syslab Report {data['system']}: {data['requests']['completed']} requests, "
                f"p99 {data['latency']['p99'] * 1000:.1f} ms, thresholds {'passed' if data['thresholds_ok'] else 'failed'}>")


def loadtest(test: Json, registry: Any = None) -> Report:
    """Runs a simulated load test. `registry` (a syslab.Registry, optional)
    supplies the scenario catalogue, including scenarios defined in Lua; it is
    not changed by the run. A failed threshold is reported, not raised."""
    handle = _handle()
    registry_handle = registry.handle if registry is not None else None
    text = test if isinstance(test, (str, bytes)) else json.dumps(test)
    check(_run(ctypes.byref(handle), registry_handle, text.encode() if isinstance(text, str) else text))
    return Report(handle.value)
