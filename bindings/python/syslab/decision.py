"""Per-request decisions through the fixed-layout C API (the hot path a
service uses), the effect vocabulary, and the Prometheus metrics exposition.

    from syslab import Registry
    from syslab.decision import Decider, metrics_text

    registry = Registry()
    registry.enable("error-burst", {"probability": 0.2})
    decide = Decider(registry)
    for effect in decide("/orders/{id}", "GET", component="backend"):
        ...                                   # Effect(scenario, kind, seconds, status, amount)
    text = metrics_text(registry)             # serve with METRICS_CONTENT_TYPE
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from typing import Iterable

from ._native import call_for_string, check, declare, encode
from .registry import Registry

METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DECIDE_CAPACITY = 64  # SYSLAB_DECIDE_CAPACITY
ELIMIT = -11


class _Request(ctypes.Structure):
    _fields_ = [
        ("route", ctypes.c_char_p),
        ("method", ctypes.c_char_p),
        ("component", ctypes.c_char_p),
        ("tags", ctypes.POINTER(ctypes.c_char_p)),
        ("tag_count", ctypes.c_size_t),
    ]


class _Effect(ctypes.Structure):
    _fields_ = [
        ("kind", ctypes.c_int),
        ("status", ctypes.c_int),
        ("seconds", ctypes.c_double),
        ("amount", ctypes.c_double),
        ("scenario", ctypes.c_void_p),  # borrowed const char *; read with string_at
    ]


_decide = declare(
    "syslab_registry_decide", ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(_Request),
    ctypes.POINTER(_Effect), ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t),
)
_kind_name = declare("syslab_effect_kind_name", ctypes.c_char_p, ctypes.c_int)
_metrics_text = declare("syslab_registry_metrics_text", ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))

#: Effect kind numbers (as in syslab.h) to names: {1: "delay", 2: "error", ...}.
EFFECT_KINDS: dict[int, str] = {}
for _number in range(1, 256):
    _name = _kind_name(_number).decode()
    if _name == "unknown":
        break
    EFFECT_KINDS[_number] = _name


@dataclass(frozen=True)
class Effect:
    """One effect to apply to a request; docs/effects.md says how."""

    scenario: str
    kind: str
    seconds: float
    status: int
    amount: float


class Decider:
    """Calls `syslab_registry_decide` for a registry: no JSON, and no
    allocation inside the library once a request shape has been seen. Safe to
    share between threads (each thread gets its own result buffer). Pass route
    templates ("/orders/{id}"), not raw paths."""

    def __init__(self, registry: Registry, capacity: int = DECIDE_CAPACITY):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._registry = registry
        self._capacity = capacity
        self._local = threading.local()
        self._names: dict[int, str] = {}

    def _buffer(self) -> ctypes.Array:
        buffer = getattr(self._local, "buffer", None)
        if buffer is None:
            buffer = (_Effect * self._capacity)()
            self._local.buffer = buffer
        return buffer

    def __call__(self, route: str = "", method: str = "", component: str = "", tags: Iterable[str] = ()) -> list[Effect]:
        tag_list = [encode(t) for t in tags]
        tag_array = (ctypes.c_char_p * len(tag_list))(*tag_list) if tag_list else None
        request = _Request(encode(route), encode(method), encode(component),
                           ctypes.cast(tag_array, ctypes.POINTER(ctypes.c_char_p)) if tag_array else None, len(tag_list))
        buffer = self._buffer()
        count = ctypes.c_size_t(0)
        status = _decide(self._registry.handle, ctypes.byref(request), buffer, len(buffer), ctypes.byref(count))
        if status == ELIMIT and count.value > len(buffer):
            # More effects than the buffer holds: grow it so the next decision
            # fits, and report this one (it cannot be repeated) as an error.
            self._capacity = max(count.value, 2 * self._capacity)
            self._local.buffer = None
        check(status)
        return [self._effect(buffer[i]) for i in range(count.value)]

    decide = __call__

    def _effect(self, e: _Effect) -> Effect:
        # The scenario name is borrowed from the library (stable until the
        # registry is freed); decode it once per distinct pointer.
        address = e.scenario or 0
        name = self._names.get(address)
        if name is None:
            name = ctypes.string_at(address).decode() if address else ""
            self._names[address] = name
        return Effect(name, EFFECT_KINDS.get(e.kind, "unknown"), e.seconds, e.status, e.amount)


def metrics_text(registry: Registry) -> str:
    """The registry's metrics in the Prometheus text format 0.0.4."""
    return call_for_string(_metrics_text, registry.handle)


__all__ = ["Decider", "Effect", "EFFECT_KINDS", "METRICS_CONTENT_TYPE", "DECIDE_CAPACITY", "metrics_text"]
