"""Topologies, templates and traces: generation, exports, views and analysis.

    from syslab import tracing
    trace = tracing.generate("simple", "error", seed=42)
    print(trace.export("waterfall"))
    otlp = trace.export("otlp-json")          # an OTLP ExportTraceServiceRequest, JSON encoding
    findings = trace.analysis()["findings"]

Everything crosses the C ABI as JSON; errors raise SyslabError with the
library's message (e.g. "unknown template 'simpel' (did you mean 'simple'?)").
"""

from __future__ import annotations

import ctypes
import json
from typing import Any, Optional, Union

from . import _native
from ._native import SyslabError, check, declare, encode, to_json

FORMATS = ("trace-json", "otlp-json", "jaeger-json", "zipkin-json", "waterfall", "svg", "spans-table",
           "analysis-json", "analysis-text", "html")
VARIANTS = ("success", "slow", "error")

_out = ctypes.POINTER(ctypes.c_void_p)
_handle = ctypes.c_void_p
_components = declare("syslab_components_json", ctypes.c_int, _out)
_validate = declare("syslab_topology_validate", ctypes.c_int, ctypes.c_char_p, _out)
_open = declare("syslab_templates_open", ctypes.c_int, ctypes.POINTER(_handle), ctypes.c_char_p)
_free = declare("syslab_templates_free", None, _handle)
_list = declare("syslab_templates_list_json", ctypes.c_int, _handle, _out)
_get = declare("syslab_templates_get_json", ctypes.c_int, _handle, ctypes.c_char_p, _out)
_create = declare("syslab_templates_create", ctypes.c_int, _handle, ctypes.c_char_p)
_update = declare("syslab_templates_update", ctypes.c_int, _handle, ctypes.c_char_p)
_delete = declare("syslab_templates_delete", ctypes.c_int, _handle, ctypes.c_char_p)
_export = declare("syslab_templates_export", ctypes.c_int, _handle, ctypes.c_char_p, _out)
_import = declare("syslab_templates_import", ctypes.c_int, _handle, ctypes.c_char_p, ctypes.c_int)
_generate = declare("syslab_trace_generate", ctypes.c_int, _handle, _handle, ctypes.c_char_p, ctypes.c_char_p,
                    ctypes.c_char_p, _out)
_render = declare("syslab_trace_render", ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, _out)

Json = Union[str, bytes, dict, list]


def components() -> dict:
    """The 40-component catalogue: {"version": 1, "categories": [{"id", "title", "components": [...]}]}."""
    return _native.call_for_json(_components)


def validate_topology(topology: Json) -> dict:
    """Validates a topology (dict or JSON text); returns it with defaults filled in."""
    return _native.call_for_json(_validate, to_json(topology))


class Trace:
    """One generated trace, kept in the library's "trace-json" form."""

    def __init__(self, trace_json: str):
        self._text = trace_json
        self._data: Optional[dict] = None

    @classmethod
    def from_json(cls, trace_json: Json) -> "Trace":
        """A trace from its "trace-json" form (validated by rendering it once)."""
        text = trace_json if isinstance(trace_json, str) else to_json(trace_json).decode()
        trace = cls(text)
        trace.export("trace-json")
        return trace

    @property
    def json(self) -> dict:
        if self._data is None:
            self._data = json.loads(self._text)
        return self._data

    @property
    def text(self) -> str:
        return self._text

    @property
    def trace_id(self) -> str:
        return self.json["trace_id"]

    @property
    def spans(self) -> list:
        return self.json["spans"]

    @property
    def duration_ms(self) -> float:
        return self.json["duration_ms"]

    def export(self, format: str, **options: Any) -> str:
        """The trace in `format` (see FORMATS); options: width, color, ascii (waterfall),
        pixel_width (svg), pretty (trace-json, analysis-json)."""
        return _native.call_for_string(_render, self._text.encode(), encode(format),
                                       to_json(options) if options else None)

    def analysis(self) -> dict:
        """Findings with severity, evidence (span ids, components), tips and fixes."""
        return json.loads(self.export("analysis-json"))

    def __repr__(self) -> str:
        data = self.json
        origin = f" {data['template']}/{data['variant']}" if data.get("template") else ""
        return f"<syslab.tracing.Trace {data['trace_id']}{origin}: {len(data['spans'])} spans>"


def _request(template: Optional[str], variant: Any, seed: int, topology: Optional[Json],
             start_time_unix_nano: Optional[int], max_spans: Optional[int]) -> bytes:
    request: dict = {"seed": str(seed) if isinstance(seed, int) and seed >= 2 ** 53 else seed}
    if template is not None:
        request["template"] = template
    if isinstance(topology, (str, bytes)):
        try:
            topology = json.loads(topology)
        except ValueError as error:
            raise SyslabError(_native.EJSON, f"topology: malformed JSON: {error}") from None
    if topology is not None:
        request["topology"] = topology
    if variant is not None:
        request["variant"] = variant
    if start_time_unix_nano is not None:
        request["start_time_unix_nano"] = str(start_time_unix_nano)
    if max_spans is not None:
        request["max_spans"] = max_spans
    return json.dumps(request).encode()


def generate(template: Optional[str] = None, variant: Any = "success", seed: int = 1, *,
             topology: Optional[Json] = None, registry: Any = None, templates: Optional["Templates"] = None,
             start_time_unix_nano: Optional[int] = None, max_spans: Optional[int] = None) -> Trace:
    """Generates one trace from a template id (built-in, or custom via `templates`) or a
    topology. `variant` is "success", "slow", "error" or a custom variant dict. Active
    scenarios of `registry` (a syslab.Registry) shape the spans. Same seed, same trace."""
    request = _request(template, variant, seed, topology, start_time_unix_nano, max_spans)
    store = templates.handle if templates is not None else None
    reg = registry.handle if registry is not None else None
    return Trace(_native.call_for_string(_generate, store, reg, request, None, None))


def export(template: str, variant: str = "success", format: str = "otlp-json", seed: int = 1, **options: Any) -> str:
    """Generates and renders in one call (no intermediate trace-json)."""
    request = _request(template, variant, seed, None, None, None)
    return _native.call_for_string(_generate, None, None, request, encode(format),
                                   to_json(options) if options else None)


class Templates(_native.OwnedHandle):
    """Built-in templates plus custom ones stored in `directory` (default: $SYSLAB_HOME/templates,
    else $XDG_DATA_HOME/syslab/templates, else ~/.local/share/syslab/templates)."""

    _free = staticmethod(_free)
    _what = "template store"

    def __init__(self, directory: Optional[str] = None):
        handle = _handle()
        check(_open(ctypes.byref(handle), encode(None if directory is None else str(directory))))
        super().__init__(handle.value)

    def listing(self) -> dict:
        """{"directory", "templates": [summaries], "problems": [{"file", "message"}]}."""
        return _native.call_for_json(_list, self.handle)

    def ids(self) -> list:
        return [t["id"] for t in self.listing()["templates"]]

    def problems(self) -> list:
        return self.listing()["problems"]

    def get(self, template_id: str) -> dict:
        return _native.call_for_json(_get, self.handle, encode(template_id))

    def create(self, template: Json) -> None:
        check(_create(self.handle, to_json(template)))

    def update(self, template: Json) -> None:
        check(_update(self.handle, to_json(template)))

    def delete(self, template_id: str) -> None:
        check(_delete(self.handle, encode(template_id)))

    def export(self, template_id: str) -> str:
        return _native.call_for_string(_export, self.handle, encode(template_id))

    def import_json(self, template: Json, overwrite: bool = False) -> None:
        check(_import(self.handle, to_json(template), 1 if overwrite else 0))

    def generate(self, template: str, variant: Any = "success", seed: int = 1, **kwargs: Any) -> Trace:
        return generate(template, variant, seed, templates=self, **kwargs)
