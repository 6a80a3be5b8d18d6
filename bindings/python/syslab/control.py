"""The control API and /metrics mounted on the service itself.

`ControlMount` answers the routes of `syslab serve` for one registry (the
middleware's), under a prefix such as "/_syslab":

    GET  {prefix}/api/sim/scenarios   {"workspace", "version", "scenarios": [...]}
    GET  {prefix}/api/sim/status      {"workspace", "now", "enabled": [...], "store"?}
    POST {prefix}/api/sim/enable      {"name", "params"?, "ttl_seconds"?, "target"?} -> status
    POST {prefix}/api/sim/disable     {"name"} -> status
    POST {prefix}/api/sim/reset       (a body is ignored) -> status
    GET  {prefix}/metrics             Prometheus text of the registry

Bodies, answers, errors (`{"error": {"status": TEXT, "message": ...}}`, TEXT
being the C ABI's status text) and token rules are those of `syslab serve`
(docs/serve.md). The
middlewares send every request under the prefix here before any decision, so
no scenario ever faults a control call or a scrape. This module knows nothing
of ASGI or WSGI: the middlewares read the body and call `handle`.
"""

from __future__ import annotations

import json
import logging
import math
import os
from typing import Any, Optional

from . import _native
from ._native import SyslabError
from .decision import METRICS_CONTENT_TYPE, metrics_text
from .registry import Registry, _catalogue

_log = logging.getLogger("syslab.control")

MAX_BODY_BYTES = 64 * 1024  # a control request is a few hundred bytes; more is refused with 413
MAX_TOKEN_BYTES = 8 * 1024
# A refused body up to this size is still read (and dropped), so that the
# connection stays usable: servers close one whose body was left unread
# (gunicorn without saying so), and a client that reuses it fails.
DRAIN_BYTES = 1024 * 1024
ROLES = ("viewer", "operator", "admin")
_JSON = "application/json"

# Library statuses to HTTP, as syslab serve maps them: a store that did not
# answer is 503 (the request may be fine), any other refusal a 4xx.
_HTTP_OF_STATUS = {_native.ENOTFOUND: 404, _native.EEXISTS: 409, _native.EIO: 503}

Response = tuple  # (status: int, headers: list[tuple[str, str]], body: bytes)


class ControlError(Exception):
    """A request the mount refuses: HTTP status, status text, message."""

    def __init__(self, http_status: int, status_text: str, message: str, headers: tuple = ()):
        super().__init__(message)
        self.http_status = http_status
        self.status_text = status_text
        self.message = message
        self.headers = list(headers)

    @classmethod
    def of_library(cls, error: SyslabError) -> "ControlError":
        return cls(_HTTP_OF_STATUS.get(error.status, 400), _native.strerror(error.status), error.message)


def _json_response(status: int, value: Any, headers: tuple = ()) -> Response:
    body = json.dumps(value).encode()
    return status, [("content-type", _JSON), ("content-length", str(len(body))), ("cache-control", "no-store"),
                    *headers], body


def _error_response(error: ControlError) -> Response:
    return _json_response(error.http_status, {"error": {"status": error.status_text, "message": error.message}},
                          tuple(error.headers))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parse_json(body: bytes) -> Any:
    """The request body as JSON; 400 for invalid UTF-8, malformed JSON,
    NaN/Infinity or nesting too deep to parse."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ControlError(400, _native.strerror(_native.EUTF8), f"the request body is not valid UTF-8: {error}")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise ControlError(400, _native.strerror(_native.EJSON), f"the request body is not valid JSON: {error}")


def _object_body(body: bytes, allowed: tuple) -> dict:
    if not body.strip():
        raise ControlError(400, _native.strerror(_native.EJSON), "the request body is empty; expected a JSON object")
    value = _parse_json(body)
    if not isinstance(value, dict):
        raise ControlError(400, _native.strerror(_native.ETYPE), "the request body must be a JSON object")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ControlError(400, _native.strerror(_native.EINVAL),
                           f"unknown field '{unknown[0]}' in the request body (expected {', '.join(allowed)})")
    return value


def _name(request: dict) -> str:
    name = request.get("name")
    if name is None:
        raise ControlError(400, _native.strerror(_native.EINVAL), "the request body needs 'name'")
    if not isinstance(name, str):
        raise ControlError(400, _native.strerror(_native.ETYPE), "'name' must be a string")
    return name


def _enable_arguments(body: bytes) -> tuple:
    """(name, params, ttl) from {"name", "params", "ttl_seconds", "target"};
    `target` is folded into the params, as the registry takes it."""
    request = _object_body(body, ("name", "params", "ttl_seconds", "target"))
    name = _name(request)
    params = request.get("params")
    if params is not None and not isinstance(params, dict):
        raise ControlError(400, _native.strerror(_native.ETYPE), "'params' must be an object")
    target = request.get("target")
    if target is not None:
        if not isinstance(target, dict):
            raise ControlError(400, _native.strerror(_native.ETYPE), "'target' must be an object")
        params = dict(params or {}, target=target)
    ttl = request.get("ttl_seconds")
    if ttl is None:
        return name, params, 0.0
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise ControlError(400, _native.strerror(_native.ETYPE), "'ttl_seconds' must be a number")
    try:
        ttl = float(ttl)
    except OverflowError:
        ttl = math.inf
    if not math.isfinite(ttl) or ttl < 0:
        raise ControlError(400, _native.strerror(_native.ERANGE), "'ttl_seconds' must be 0 (no expiry) or more")
    return name, params, ttl


class _Authenticator:
    """Bearer JWTs as `syslab serve` checks them: HS256 only, with the claims
    `role` (viewer | operator | admin), `workspaces` (a list, or "*") and `exp`."""

    def __init__(self, secret: str):
        try:
            import jwt  # PyPI: pyjwt, needed only when a secret is given
        except ImportError as error:
            raise ImportError("the control mount checks tokens with pyjwt: pip install pyjwt") from error
        self._jwt = jwt
        self._secret = secret

    def claims(self, authorization: Optional[str]) -> dict:
        def unauthorized(message: str) -> ControlError:
            return ControlError(401, "unauthorized", message, headers=(("www-authenticate", "Bearer"),))

        if not authorization:
            raise unauthorized("a Bearer token is required")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("the Authorization header must be 'Bearer <JWT>'")
        if len(token) > MAX_TOKEN_BYTES:
            raise unauthorized(f"the token is over {MAX_TOKEN_BYTES} bytes")
        try:
            claims = self._jwt.decode(token.strip(), self._secret, algorithms=["HS256"],
                                      options={"require": ["exp"]})
        except self._jwt.ExpiredSignatureError:
            raise unauthorized("the token has expired")
        except self._jwt.InvalidTokenError as error:  # bad signature, alg none or other, malformed
            raise unauthorized(f"invalid token: {error}")
        workspaces = claims.get("workspaces")
        if claims.get("role") not in ROLES:
            raise unauthorized(f"the token's 'role' claim must be one of {', '.join(ROLES)}")
        if workspaces != "*" and not (isinstance(workspaces, list) and all(isinstance(w, str) for w in workspaces)):
            raise unauthorized("the token's 'workspaces' claim must be a list of names or \"*\"")
        return claims


class ControlMount:
    """The control routes for `registry` under `prefix`. With `jwt_secret`
    (or SYSLAB_JWT_SECRET) every route needs a Bearer token, /metrics too
    unless `metrics_open`; without a secret the mount is refused unless
    `insecure=True`. `workspace` is the registry's, for the tokens' lists."""

    def __init__(self, registry: Registry, prefix: str, workspace: str = "default", jwt_secret: Optional[str] = None,
                 metrics_open: bool = False, insecure: bool = False):
        if not isinstance(prefix, str) or not prefix.startswith("/") or prefix.rstrip("/") == "":
            raise ValueError(f"control_prefix must be a path below the root such as '/_syslab', got {prefix!r}")
        self.registry = registry
        self.prefix = prefix.rstrip("/")
        self._below = self.prefix + "/"
        self.workspace = workspace
        secret = jwt_secret if jwt_secret is not None else os.environ.get("SYSLAB_JWT_SECRET") or None
        if secret is not None and not secret:
            raise ValueError("jwt_secret is empty")
        if secret is None and not insecure:
            raise ValueError("the syslab control mount needs a JWT secret (jwt_secret= or SYSLAB_JWT_SECRET); "
                             "pass insecure=True to serve it without authentication")
        self._auth = _Authenticator(secret) if secret is not None else None
        self.metrics_open = metrics_open
        self._routes = {
            "/api/sim/scenarios": ("GET", self._scenarios),
            "/api/sim/status": ("GET", self._status),
            "/api/sim/enable": ("POST", self._enable),
            "/api/sim/disable": ("POST", self._disable),
            "/api/sim/reset": ("POST", self._reset),
            "/metrics": ("GET", self._metrics),
        }

    def owns(self, path: str) -> bool:
        """Whether a request path is the mount's (and so never faulted)."""
        return path == self.prefix or path.startswith(self._below)

    def body_refused(self, content_length: Optional[str]) -> Optional[Response]:
        """The answer to a declared Content-Length the mount will not even
        read (malformed, or over DRAIN_BYTES), or None: then the middleware
        reads up to DRAIN_BYTES and answers too_large() past MAX_BODY_BYTES."""
        if content_length is None or content_length == "":
            return None
        if not content_length.isdigit():
            return _error_response(ControlError(400, _native.strerror(_native.EINVAL),
                                                "Content-Length is not a number"))
        if int(content_length) > DRAIN_BYTES:
            return self.too_large()
        return None

    @staticmethod
    def too_large() -> Response:
        return _error_response(ControlError(413, _native.strerror(_native.ELIMIT),
                                            f"the request body is over {MAX_BODY_BYTES} bytes"))

    def handle(self, method: str, path: str, authorization: Optional[str], body: bytes) -> Response:
        """One request to the mount (path including the prefix); never raises."""
        try:
            route = self._routes.get(path[len(self.prefix):])
            if route is None:
                raise ControlError(404, _native.strerror(_native.ENOTFOUND), f"no route {path}")
            allowed, action = route
            if method != allowed:
                raise ControlError(405, "method not allowed", f"{path} takes {allowed}",
                                   headers=(("allow", allowed),))
            self._authorize(action, method, authorization)
            return action(body)
        except ControlError as error:
            return _error_response(error)
        except SyslabError as error:
            return _error_response(ControlError.of_library(error))
        except Exception as error:  # a bug or a closed registry: logged, answered, never raised into the server
            _log.exception("syslab control request %s %s failed", method, path)
            return _error_response(ControlError(500, _native.strerror(_native.EINTERNAL), str(error)))

    def _authorize(self, action: Any, method: str, authorization: Optional[str]) -> None:
        if self._auth is None or (action == self._metrics and self.metrics_open):
            return
        claims = self._auth.claims(authorization)
        if action == self._metrics:
            return  # any valid token reads the metrics
        workspaces = claims["workspaces"]
        if workspaces != "*" and self.workspace not in workspaces:
            raise ControlError(403, "forbidden", f"the token does not grant workspace '{self.workspace}'")
        if method != "GET" and claims["role"] == "viewer":
            raise ControlError(403, "forbidden", "role 'viewer' may only read; enable, disable and reset "
                                                 "need 'operator' or 'admin'")

    # -- routes -------------------------------------------------------------
    def _scenarios(self, body: bytes) -> Response:
        catalogue = _native.call_for_json(_catalogue, self.registry.handle)
        return _json_response(200, dict(catalogue, workspace=self.workspace))

    def _status(self, body: bytes) -> Response:
        return _json_response(200, dict(self.registry.status(), workspace=self.workspace))

    def _enable(self, body: bytes) -> Response:
        name, params, ttl = _enable_arguments(body)
        self.registry.enable(name, params, ttl)
        _log.info("control: enabled %s (ttl %s s)", name, ttl or "none")
        return self._status(b"")

    def _disable(self, body: bytes) -> Response:
        self.registry.disable(_name(_object_body(body, ("name",))))
        return self._status(b"")

    def _reset(self, body: bytes) -> Response:  # a body, if any, is ignored: reset takes no arguments
        self.registry.reset()
        return self._status(b"")

    def _metrics(self, body: bytes) -> Response:
        text = metrics_text(self.registry).encode()
        return 200, [("content-type", METRICS_CONTENT_TYPE), ("content-length", str(len(text))),
                     ("cache-control", "no-store")], text
