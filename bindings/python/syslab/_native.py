"""Loading libsyslab.so and the ctypes plumbing every module shares."""

from __future__ import annotations

import ctypes
import json
import os
from pathlib import Path
from typing import Any, Optional

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parents[2]  # the repository, when running from the source tree


def _candidates() -> list[str]:
    """Where libsyslab.so is looked for: SYSLAB_LIBRARY alone when set; else the
    copy inside the installed wheel; else, in the source tree, the build output;
    else the system loader path."""
    explicit = os.environ.get("SYSLAB_LIBRARY")
    if explicit:
        return [explicit]
    found = []
    bundled = _PACKAGE_DIR / "libsyslab.so"  # the wheel's; its RPATH finds the bundled liblua
    if bundled.exists():
        found.append(str(bundled))
    if (_REPO_ROOT / "Include" / "syslab.h").exists():
        for build in ("release", "debug"):
            path = _REPO_ROOT / ".build" / build / "libsyslab.so"
            if path.exists():
                found.append(str(path))
    found.append("libsyslab.so")
    return found


def _load() -> ctypes.CDLL:
    errors = []
    for candidate in _candidates():
        try:
            return ctypes.CDLL(candidate)
        except OSError as exc:  # try the next place
            errors.append(f"{candidate}: {exc}")
    raise ImportError("cannot load libsyslab.so (set SYSLAB_LIBRARY): " + "; ".join(errors))


lib = _load()


class SyslabError(Exception):
    """A libsyslab call failed. `status` is the SYSLAB_E* code, `message` the library's text."""

    def __init__(self, status: int, message: str):
        super().__init__(f"{message} (status {status}: {strerror(status)})")
        self.status = status
        self.message = message


# Status codes, as in Include/syslab.h.
OK = 0
EINVAL, EJSON, EUTF8, ENOTFOUND, ERANGE, ETYPE, EEXISTS = -1, -2, -3, -4, -5, -6, -7
ESCRIPT, EIO, ECORRUPT, ELIMIT, ENOMEM, EINTERNAL = -8, -9, -10, -11, -12, -13
ECONFLICT = -14


def declare(name: str, restype: Any, *argtypes: Any) -> Any:
    """Sets a function's prototype once; returns the ctypes function."""
    function = getattr(lib, name)
    function.restype = restype
    function.argtypes = list(argtypes)
    return function


_last_error = declare("syslab_last_error", ctypes.c_char_p)
_strerror = declare("syslab_strerror", ctypes.c_char_p, ctypes.c_int)
_string_free = declare("syslab_string_free", None, ctypes.c_void_p)
version = declare("syslab_version", ctypes.c_char_p)().decode()
version_number = declare("syslab_version_number", ctypes.c_int)()


class OwnedHandle:
    """A library handle this object owns: freed by close(), by leaving a `with`
    block, or when garbage-collected. Subclasses set `_free` (the C free
    function) and `_what` (for the closed-handle message)."""

    _free: Any = None
    _what = "handle"
    # Also set on the class, so an object whose __init__ failed before
    # storing a handle is collected quietly.
    _handle: Optional[int] = None

    def __init__(self, handle: Optional[int]):
        self._handle: Optional[int] = handle

    def close(self) -> None:
        if self._handle is not None:
            type(self)._free(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    @property
    def handle(self) -> int:
        if self._handle is None:
            raise ValueError(f"the {self._what} is closed")
        return self._handle


def strerror(status: int) -> str:
    return _strerror(status).decode()


def check(status: int) -> None:
    """Raises SyslabError for a negative status."""
    if status != OK:
        raise SyslabError(status, _last_error().decode("utf-8", "replace"))


def encode(text: Optional[str]) -> Optional[bytes]:
    """str -> UTF-8 bytes for a `const char *` (None stays NULL). Lone surrogates
    are passed through so the library reports them as invalid UTF-8."""
    if text is None:
        return None
    return text.encode("utf-8", "surrogatepass")


def to_json(value: Any) -> Optional[bytes]:
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        return value.encode() if isinstance(value, str) else value
    return json.dumps(value).encode()


def take_string(pointer: ctypes.c_void_p) -> str:
    """Copies an owned C string and frees it with the library's free."""
    try:
        return ctypes.string_at(pointer).decode("utf-8")
    finally:
        _string_free(pointer)


def call_for_string(function: Any, *args: Any) -> str:
    """Calls `function(*args, &out)` and returns the owned output string."""
    out = ctypes.c_void_p()
    check(function(*args, ctypes.byref(out)))
    return take_string(out)


def call_for_json(function: Any, *args: Any) -> Any:
    return json.loads(call_for_string(function, *args))
