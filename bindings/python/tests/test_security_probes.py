"""The security scenarios through the middleware: probes reach the app's own
defences reshaped as docs/effects.md says, the status the app answered is
counted, and PII canaries land in the `syslab.canary` log."""

import logging
import re
from urllib.parse import parse_qs

import pytest

from syslab import Registry, metrics_text
from syslab.middleware import ASGIMiddleware, WSGIMiddleware
from syslab.probes import SQL_INJECTION_PAYLOADS, canary_line

starlette = pytest.importorskip("starlette")
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import PlainTextResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

TOKEN = "Bearer good"
CSRF = "session-token"
SUSPICIOUS = re.compile(r"('|\")|(\bOR\b)|(\bUNION\b)|(--)", re.IGNORECASE)


def defended(headers: dict, query: dict, method: str) -> int:
    """A tiny service's own defences: authentication, a WAF-like input check, CSRF token and Origin checks."""
    if headers.get("authorization") != TOKEN:
        return 401
    if any(SUSPICIOUS.search(v) for values in query.values() for v in values):
        return 403
    if method == "POST" and (headers.get("x-csrf-token") != CSRF or headers.get("origin", "https://shop.example") != "https://shop.example"):
        return 403
    return 200


async def asgi_endpoint(request):
    status = defended({k.lower(): v for k, v in request.headers.items()}, parse_qs(request.url.query), request.method)
    return PlainTextResponse("ok" if status == 200 else "refused", status_code=status)


def wsgi_app(environ, start_response):
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
    status = defended(headers, parse_qs(environ.get("QUERY_STRING", "")), environ["REQUEST_METHOD"])
    start_response(f"{status} X", [("Content-Type", "text/plain")])
    return [b"ok" if status == 200 else b"refused"]


def call_wsgi(app, method="GET", query="", headers=None):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/api/orders", "QUERY_STRING": query, "wsgi.input": None}
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = int(status.split()[0])

    b"".join(app(environ, start_response))
    return captured["status"]


def outcome(registry, scenario, kind):
    pattern = f'security_probe_responses_total{{scenario="{scenario}",outcome="{kind}"}} '
    for line in metrics_text(registry).splitlines():
        if line.startswith(pattern):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture
def registry():
    with Registry(seed=2) as r:
        yield r


@pytest.fixture
def asgi(registry):
    app = Starlette(routes=[Route("/api/orders", asgi_endpoint, methods=["GET", "POST"])])
    return TestClient(ASGIMiddleware(app, registry))


def test_canary_line_matches_the_documented_format():
    assert canary_line(4207) == ("SYSLAB-PII-CANARY serial=4207 email=canary-4207@example.invalid "
                                 "phone=+1-202-555-0107 ssn=000-12-4207 card=4111111111111111 "
                                 "(synthetic test data, not personal data)")
    assert canary_line(0).startswith("SYSLAB-PII-CANARY serial=1 ")


def test_auth_bypass_is_refused_and_counted(asgi, registry):
    registry.enable("auth-bypass", {"probability": 1.0})
    for _ in range(5):
        assert asgi.get("/api/orders", headers={"authorization": TOKEN}).status_code == 401
    assert outcome(registry, "auth-bypass", "refused") == 5
    assert outcome(registry, "auth-bypass", "served") == 0


def test_a_route_without_authentication_shows_as_served(registry):
    def open_app(environ, start_response):  # forgot its authentication
        start_response("200 OK", [])
        return [b"data"]

    registry.enable("auth-bypass", {"probability": 1.0})
    assert call_wsgi(WSGIMiddleware(open_app, registry), headers={"authorization": TOKEN}) == 200
    assert outcome(registry, "auth-bypass", "served") == 1


def test_sql_injection_payloads_reach_the_input_check(registry):
    registry.enable("sql-injection", {"probability": 1.0})
    seen = []

    def app(environ, start_response):
        seen.append(parse_qs(environ["QUERY_STRING"])["q"][0])
        return wsgi_app(environ, start_response)

    middleware = WSGIMiddleware(app, registry)
    for _ in range(60):
        assert call_wsgi(middleware, query="q=shoes&page=2", headers={"authorization": TOKEN}) == 403
    assert set(seen) == set(SQL_INJECTION_PAYLOADS), "the payload replaces the probed parameter"
    assert outcome(registry, "sql-injection", "refused") == 60


def test_csrf_forgeries_are_refused_by_the_token_and_origin_checks(asgi, registry):
    registry.enable("csrf-attack", {"probability": 1.0})
    legit = {"authorization": TOKEN, "x-csrf-token": CSRF, "origin": "https://shop.example"}
    statuses = [asgi.post("/api/orders", headers=legit).status_code for _ in range(30)]
    assert statuses == [403] * 30
    assert outcome(registry, "csrf-attack", "refused") == 30
    registry.disable("csrf-attack")
    assert asgi.post("/api/orders", headers=legit).status_code == 200, "without the probe the same request passes"


def test_pii_canaries_are_logged_where_a_scanner_looks(registry, caplog):
    registry.enable("pii-leak", {"probability": 1.0})
    with caplog.at_level(logging.WARNING, logger="syslab.canary"):
        for _ in range(3):
            assert call_wsgi(WSGIMiddleware(wsgi_app, registry), headers={"authorization": TOKEN}) == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "syslab.canary"]
    assert len(lines) == 3 and all(re.search(r"ssn=\d{3}-\d{2}-\d{4}", line) for line in lines)
    assert all(line.startswith("SYSLAB-PII-CANARY serial=") for line in lines)


def test_record_response_errors_are_clear(registry):
    from syslab import SyslabError

    with pytest.raises(SyslabError, match="no-such"):
        registry.record_response("no-such", 403)
    with pytest.raises(SyslabError):
        registry.record_response("auth-bypass", 42)
