"""The scenario registry: catalogue, enable with validation, status, expiry."""

from __future__ import annotations

import ctypes
import json
from typing import Any, Optional

from . import _native
from ._native import OwnedHandle, check, declare, encode, to_json

_handle = ctypes.c_void_p
_new = declare("syslab_registry_new_with_options", ctypes.c_int, ctypes.POINTER(_handle), ctypes.c_char_p)
_free = declare("syslab_registry_free", None, _handle)
_catalogue = declare("syslab_registry_catalogue_json", ctypes.c_int, _handle, ctypes.POINTER(ctypes.c_void_p))
_enable = declare("syslab_registry_enable", ctypes.c_int, _handle, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_double)
_disable = declare("syslab_registry_disable", ctypes.c_int, _handle, ctypes.c_char_p)
_record_response = declare("syslab_registry_record_response", ctypes.c_int, _handle, ctypes.c_char_p, ctypes.c_int)
_reset = declare("syslab_registry_reset", ctypes.c_int, _handle)
_status = declare("syslab_registry_status_json", ctypes.c_int, _handle, ctypes.POINTER(ctypes.c_void_p))
_advance = declare("syslab_registry_advance_clock", ctypes.c_int, _handle, ctypes.c_double)
_decide_json = declare("syslab_registry_decide_json", ctypes.c_int, _handle, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p))
_load_lua = declare("syslab_registry_load_lua", ctypes.c_int, _handle, ctypes.c_char_p)
_load_lua_string = declare("syslab_registry_load_lua_string", ctypes.c_int, _handle, ctypes.c_char_p, ctypes.c_char_p)


class Registry(OwnedHandle):
    """A scenario registry. Use as a context manager, or call close().

    `seed` makes per-request draws reproducible; `manual_clock=True` (or a start
    time in Unix seconds) gives a clock moved only by `advance_clock` (tests).

    `store="redis://host:port/db"` keeps the enabled set in Redis, shared by
    every registry of the same `workspace` (default "default"); `on_store_down`
    is "fail" (SyslabError when Redis is unreachable) or "start_empty".
    `resync_seconds`, `instance` and `joins_fleet` tune it (docs/fleet.md).
    `status()["store"]` says whether it is connected.
    """

    _free = staticmethod(_free)
    _what = "registry"

    def __init__(self, seed: Optional[int] = None, manual_clock: Any = None, *,
                 store: Optional[str] = None, workspace: Optional[str] = None,
                 on_store_down: Optional[str] = None, resync_seconds: Optional[float] = None,
                 instance: Optional[str] = None, joins_fleet: Optional[bool] = None):
        options = {}
        if seed is not None:
            options["seed"] = seed
        if manual_clock is not None:
            options["manual_clock"] = manual_clock
        for key, value in (("store", store), ("workspace", workspace), ("on_store_down", on_store_down),
                           ("resync_seconds", resync_seconds), ("instance", instance),
                           ("joins_fleet", joins_fleet)):
            if value is not None:
                options[key] = value
        handle = _handle()
        check(_new(ctypes.byref(handle), to_json(options) if options else None))
        super().__init__(handle.value)

    # -- catalogue ----------------------------------------------------------
    def catalogue(self) -> list[dict]:
        return _native.call_for_json(_catalogue, self.handle)["scenarios"]

    def names(self) -> list[str]:
        return [s["name"] for s in self.catalogue()]

    def scenario(self, name: str) -> dict:
        for s in self.catalogue():
            if s["name"] == name:
                return s
        raise KeyError(name)

    # -- enable / disable ---------------------------------------------------
    def enable(self, name: str, params: Any = None, ttl: float = 0.0) -> None:
        """Enables `name`; `params` is a dict (or JSON text), None for defaults;
        `ttl` in seconds, <= 0 for no expiry. Raises SyslabError naming the problem."""
        check(_enable(self.handle, encode(name), to_json(params), float(ttl)))

    def disable(self, name: str) -> None:
        check(_disable(self.handle, encode(name)))

    def record_response(self, scenario: str, status: int) -> None:
        """Reports the status answered to a request that carried a security probe of `scenario`."""
        check(_record_response(self.handle, encode(scenario), int(status)))

    def reset(self) -> None:
        check(_reset(self.handle))

    def status(self) -> dict:
        return _native.call_for_json(_status, self.handle)

    def enabled(self) -> list[str]:
        return [entry["name"] for entry in self.status()["enabled"]]

    def advance_clock(self, seconds: float) -> None:
        check(_advance(self.handle, float(seconds)))

    # -- decisions ----------------------------------------------------------
    def decide(self, route: str = "", method: str = "", component: str = "", tags: Optional[list] = None) -> list[dict]:
        request = {"route": route, "method": method, "component": component, "tags": list(tags or [])}
        return _native.call_for_json(_decide_json, self.handle, json.dumps(request).encode())

    # -- Lua ----------------------------------------------------------------
    def load_lua(self, path: str) -> None:
        """Runs a Lua file with `registry` bound to this registry (define scenarios there)."""
        check(_load_lua(self.handle, encode(str(path))))

    def load_lua_string(self, code: str, chunk_name: str = "python") -> None:
        check(_load_lua_string(self.handle, encode(code), encode(chunk_name)))
