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
from typing import Iterable, Optional

from ._native import call_for_string, check, declare, encode, lib
from .registry import Registry

METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DECIDE_CAPACITY = 256  # SYSLAB_DECIDE_CAPACITY
ELIMIT = -11


class _RequestStruct(ctypes.Structure):
    _fields_ = [
        ("route", ctypes.c_char_p),
        ("method", ctypes.c_char_p),
        ("component", ctypes.c_char_p),
        ("tags", ctypes.POINTER(ctypes.c_char_p)),
        ("tag_count", ctypes.c_size_t),
    ]


class _EffectStruct(ctypes.Structure):
    _fields_ = [
        ("kind", ctypes.c_int),
        ("status", ctypes.c_int),
        ("seconds", ctypes.c_double),
        ("amount", ctypes.c_double),
        ("scenario", ctypes.c_void_p),  # borrowed const char *; read with string_at
    ]


_kind_name = declare("syslab_effect_kind_name", ctypes.c_char_p, ctypes.c_int)
_metrics_text = declare("syslab_registry_metrics_text", ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
# The per-request call goes through a function object without argtypes, with
# every argument a ready-made ctypes object: ctypes' per-argument conversion
# (byref checks against POINTER types) costs over a microsecond a call, the
# call itself a few hundred nanoseconds.
_decide = lib["syslab_registry_decide"]
_decide.restype = ctypes.c_int
_active_word = declare("syslab_registry_active_word", ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
_REQUEST_CACHE_LIMIT = 4096  # distinct request shapes kept ready; beyond it requests are built per call

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


class _Request:
    """A syslab_request with the encoded strings it points to kept alive, and
    the pointer to pass made once."""

    __slots__ = ("struct", "keep", "pointer")

    def __init__(self, route: str, method: str, component: str, tags: tuple):
        encoded = [encode(t) for t in tags]
        tag_array = (ctypes.c_char_p * len(encoded))(*encoded) if encoded else None
        self.struct = _RequestStruct(encode(route), encode(method), encode(component),
                                     ctypes.cast(tag_array, ctypes.POINTER(ctypes.c_char_p)) if tag_array else None,
                                     len(encoded))
        self.keep = tag_array
        self.pointer = ctypes.byref(self.struct)


class _Slot:
    """One thread's result buffer and out-count, with their pointers made once."""

    __slots__ = ("buffer", "count", "buffer_pointer", "capacity", "count_pointer")

    def __init__(self, capacity: int):
        self.buffer = (_EffectStruct * capacity)()
        self.count = ctypes.c_size_t(0)
        self.buffer_pointer = ctypes.byref(self.buffer)
        self.capacity = ctypes.c_size_t(capacity)
        self.count_pointer = ctypes.byref(self.count)


class Decider:
    """Calls `syslab_registry_decide` for a registry: one ctypes call per
    decision, no JSON, and no allocation inside the library once a request
    shape has been seen. Safe to share between threads (each thread gets its
    own result buffer). Pass route templates ("/orders/{id}"), not raw paths:
    each distinct request is prepared once and kept (up to 4096 of them).
    `component` and `tags` given here are the defaults for every call."""

    def __init__(self, registry: Registry, capacity: int = DECIDE_CAPACITY, component: str = "",
                 tags: Iterable[str] = ()):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._registry = registry
        self._capacity = capacity
        self._component = component
        self._tags = tuple(tags)
        self._local = threading.local()
        self._names: dict[int, str] = {}
        self._requests: dict[tuple, _Request] = {}  # (route, method) -> request, prepared once
        self._others: dict[tuple, Decider] = {}  # (component, tags) -> decider, for calls naming others
        self._handle = ctypes.c_void_p(registry.handle)  # checked against registry.close() on every call
        # The registry's enabled-scenario count, read in place: while it is 0
        # a decision skips the call into the library, whose GIL release and
        # retake is most of an idle request's cost in a threaded server.
        word = ctypes.c_void_p()
        check(_active_word(self._handle, ctypes.byref(word)))
        self._active = ctypes.c_int64.from_address(word.value)

    def __call__(self, route: str = "", method: str = "", component: Optional[str] = None,
                 tags: Optional[Iterable[str]] = None) -> list[Effect]:
        component = self._component if component is None else component
        tags = self._tags if tags is None else tuple(tags)
        if component == self._component and tags == self._tags:
            return self.route(route, method)
        other = self._others.get((component, tags))
        if other is None:  # one decider per (component, tags), sharing this one's registry
            other = Decider(self._registry, self._capacity, component, tags)
            if len(self._others) < _REQUEST_CACHE_LIMIT:
                self._others[(component, tags)] = other
        return other.route(route, method)

    def route(self, route: str, method: str) -> list[Effect]:
        """A decision with this decider's component and tags: the per-request
        call of the middleware, kept as short as it can be."""
        if self._registry._handle is None:  # before the word: it goes with the registry
            raise ValueError("the registry is closed")
        if not self._active.value:
            return []
        request = self._requests.get((route, method))
        if request is None:
            request = _Request(route, method, self._component, self._tags)
            if len(self._requests) < _REQUEST_CACHE_LIMIT:
                self._requests[(route, method)] = request
        try:
            slot = self._local.slot
        except AttributeError:
            slot = self._local.slot = _Slot(self._capacity)
        status = _decide(self._handle, request.pointer, slot.buffer_pointer, slot.capacity, slot.count_pointer)
        count = slot.count.value
        if status == 0 and count == 0:
            return []
        if status == ELIMIT and count > slot.capacity.value:
            # More effects than the buffer holds: grow it so the next decision
            # fits, and report this one (it cannot be repeated) as an error.
            self._capacity = max(count, 2 * self._capacity)
            self._local.slot = _Slot(self._capacity)
        check(status)
        return [self._effect(slot.buffer[i]) for i in range(count)]

    decide = __call__

    def _effect(self, e: _EffectStruct) -> Effect:
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
