"""libsyslab for Python: failure scenarios, traces and simulation through ctypes."""

from ._native import SyslabError, version, version_number, strerror
from ._native import OK, EINVAL, EJSON, EUTF8, ENOTFOUND, ERANGE, ETYPE, EEXISTS
from ._native import ESCRIPT, EIO, ECORRUPT, ELIMIT, ENOMEM, EINTERNAL, ECONFLICT
from .registry import Registry
from .decision import Decider, Effect, EFFECT_KINDS, METRICS_CONTENT_TYPE, metrics_text
from . import simulation, tracing  # syslab.simulation.loadtest(...), syslab.tracing.generate(...)
from . import orders  # syslab.orders.open(path): the CQRS / event-sourcing order store
from . import sweep  # syslab.sweep.run(test, grid) on Dask, syslab.sweep.local(...) on threads

__all__ = [
    "Registry", "SyslabError", "version", "version_number", "strerror",
    "OK", "EINVAL", "EJSON", "EUTF8", "ENOTFOUND", "ERANGE", "ETYPE", "EEXISTS",
    "ESCRIPT", "EIO", "ECORRUPT", "ELIMIT", "ENOMEM", "EINTERNAL", "ECONFLICT",
]
__all__ += ["Decider", "Effect", "EFFECT_KINDS", "METRICS_CONTENT_TYPE", "metrics_text", "simulation", "tracing", "orders", "sweep"]
