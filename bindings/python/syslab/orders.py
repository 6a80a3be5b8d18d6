"""The CQRS / event-sourcing order store (docs/orders.md) through ctypes.

    with syslab.orders.open("/tmp/orders.db") as store:
        store.place("o-1", customer_id="c-1", amount=2500, currency="EUR",
                    address={"line1": "1 Main St", "city": "Lyon", "postcode": "69001", "country": "FR"},
                    sku="book")
        store.pay("o-1")
        store.order("o-1")["status"]    # "paid", from the OrderSummary projection

Failures raise SyslabError with the library's status (ECONFLICT for a stale
expected_version, EINVAL for a command the order refuses, ERANGE for bad money).
"""

from __future__ import annotations

import ctypes
from typing import Any, Optional

from ._native import OwnedHandle, call_for_json, call_for_string, check, declare, encode, to_json
from .registry import Registry

_handle = ctypes.c_void_p
_out = ctypes.POINTER(ctypes.c_void_p)
_open = declare("syslab_orders_open", ctypes.c_int, ctypes.POINTER(_handle), ctypes.c_char_p, _handle, ctypes.c_char_p)
_close = declare("syslab_orders_close", None, _handle)
_execute = declare("syslab_orders_execute", ctypes.c_int, _handle, ctypes.c_char_p, _out)
_query = declare("syslab_orders_query", ctypes.c_int, _handle, ctypes.c_char_p, _out)
_rebuild = declare("syslab_orders_rebuild", ctypes.c_int, _handle, ctypes.c_char_p, _out)
_saga = declare("syslab_orders_saga", ctypes.c_int, _handle, ctypes.c_char_p, _out)
_metrics = declare("syslab_orders_metrics_text", ctypes.c_int, _handle, _out)


class OrderStore(OwnedHandle):
    """An order store on one SQLite file. Use as a context manager, or call close()."""

    _free = staticmethod(_close)
    _what = "order store"

    def __init__(self, path: str, registry: Optional[Registry] = None, **options: Any):
        # Keeps the registry object alive as long as the store uses it.
        self.registry = registry if registry is not None else Registry()
        handle = _handle()
        check(_open(ctypes.byref(handle), encode(path), self.registry.handle, to_json(options) if options else None))
        super().__init__(handle.value)

    # -- commands -------------------------------------------------------------
    def execute(self, command: dict) -> Any:
        return call_for_json(_execute, self.handle, to_json(command))

    def place(self, order_id: str, *, customer_id: str, amount: int, currency: str, address: dict, sku: str,
              quantity: int = 1, expected_version: Optional[int] = None) -> Any:
        command = {"command": "place", "order_id": order_id, "customer_id": customer_id, "amount": amount,
                   "currency": currency, "address": address, "sku": sku, "quantity": quantity}
        return self.execute(_with_version(command, expected_version))

    def pay(self, order_id: str, expected_version: Optional[int] = None) -> Any:
        return self.execute(_with_version({"command": "pay", "order_id": order_id}, expected_version))

    def ship(self, order_id: str, expected_version: Optional[int] = None) -> Any:
        return self.execute(_with_version({"command": "ship", "order_id": order_id}, expected_version))

    def cancel(self, order_id: str, reason: Optional[str] = None, expected_version: Optional[int] = None) -> Any:
        command = {"command": "cancel", "order_id": order_id}
        if reason is not None:
            command["reason"] = reason
        return self.execute(_with_version(command, expected_version))

    def set_stock(self, sku: str, available: int) -> Any:
        return self.execute({"command": "set_stock", "sku": sku, "available": available})

    def catch_up(self) -> Any:
        return self.execute({"command": "catch_up"})

    def damage_snapshot(self, order_id: str) -> bool:
        return self.execute({"command": "damage_snapshot", "order_id": order_id})["damaged"]

    # -- queries --------------------------------------------------------------
    def query(self, query: dict) -> Any:
        return call_for_json(_query, self.handle, to_json(query))

    def order(self, order_id: str) -> Any:
        """The OrderSummary projection's row (None until the projection has seen the order)."""
        return self.query({"query": "order", "order_id": order_id})

    def state(self, order_id: str) -> Any:
        """The order as the event log says it is."""
        return self.query({"query": "state", "order_id": order_id})

    def history(self, order_id: str) -> list:
        return self.query({"query": "history", "order_id": order_id})

    def orders(self, limit: int = 1000) -> list:
        return self.query({"query": "orders", "limit": limit})

    def analytics(self) -> list:
        return self.query({"query": "analytics"})

    def lag(self) -> dict:
        return self.query({"query": "lag"})

    def stock(self, sku: str) -> int:
        return self.query({"query": "stock", "sku": sku})["available"]

    def status(self) -> dict:
        return self.query({"query": "status"})

    def integrity(self) -> str:
        """PRAGMA integrity_check: "ok" when SQLite finds nothing wrong."""
        return self.query({"query": "integrity"})

    def rebuild(self, projection: Optional[str] = None) -> dict:
        return call_for_json(_rebuild, self.handle, encode(projection))

    # -- saga -----------------------------------------------------------------
    def saga(self, order: dict, max_steps: Optional[int] = None) -> dict:
        request: dict = {"action": "start", "order": order}
        if max_steps is not None:
            request["max_steps"] = max_steps
        return call_for_json(_saga, self.handle, to_json(request))

    def resume_sagas(self) -> list:
        return call_for_json(_saga, self.handle, to_json({"action": "resume"}))

    def saga_status(self, order_id: str) -> Any:
        return call_for_json(_saga, self.handle, to_json({"action": "get", "order_id": order_id}))

    def metrics_text(self) -> str:
        return call_for_string(_metrics, self.handle)


def open(path: str, registry: Optional[Registry] = None, **options: Any) -> OrderStore:  # noqa: A001 (mirrors Lua's syslab.orders.open)
    """Opens (creating if needed) the store at `path`; options as in docs/orders.md."""
    return OrderStore(path, registry, **options)


def _with_version(command: dict, expected_version: Optional[int]) -> dict:
    if expected_version is not None:
        command["expected_version"] = expected_version
    return command
