"""How the middleware presents security probes (docs/effects.md, "Security
probes"): the request the app sees is reshaped as the probe asks (credentials
removed, an injection payload added, a forged CSRF request), never the app's
own security checks; the status answered is reported back to the registry.
Canary lines go to the `syslab.canary` logger, the log sink a PII scanner
should watch."""

from __future__ import annotations

import logging
from typing import Optional
from urllib.parse import quote

canary_log = logging.getLogger("syslab.canary")

PROBE_KINDS = frozenset({"strip_credentials", "injection_probe", "csrf_probe", "foreign_object_probe"})

# The payloads by number, as AttackPayloads.sqlInjection in the library (docs/effects.md).
SQL_INJECTION_PAYLOADS = (
    "' OR '1'='1' --",
    "1 OR 1=1",
    "' UNION SELECT NULL, NULL --",
    "admin'--",
    "1' AND SLEEP(0) --",
    '" OR ""="',
)
FORGED_CSRF_TOKEN = "syslab-forged-csrf-token"
ATTACKER_ORIGIN = "https://attacker.invalid"

_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_CSRF_HEADERS = frozenset({"x-csrf-token", "x-xsrf-token"})


def canary_line(serial: int) -> str:
    """The synthetic PII canary line for `serial`, exactly as the library formats it."""
    n = max(1, min(999_999, int(serial)))
    return (f"SYSLAB-PII-CANARY serial={n} email=canary-{n}@example.invalid phone=+1-202-555-01{n % 100:02d} "
            f"ssn=000-12-{n % 10_000:04d} card=4111111111111111 (synthetic test data, not personal data)")


class ProbeShape:
    """What the probes of one decision ask for, gathered from its effects."""

    def __init__(self) -> None:
        self.scenarios: list[str] = []
        self.strip_credentials = False
        self.payload: Optional[str] = None
        self.csrf: Optional[int] = None

    def add(self, effect) -> None:
        self.scenarios.append(effect.scenario)
        if effect.kind == "strip_credentials":
            self.strip_credentials = True
        elif effect.kind == "injection_probe":
            index = int(effect.amount)
            if 0 <= index < len(SQL_INJECTION_PAYLOADS):
                self.payload = SQL_INJECTION_PAYLOADS[index]
        elif effect.kind == "csrf_probe" and int(effect.amount) in (1, 2, 3):
            self.csrf = int(effect.amount)

    def headers(self, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The request headers (lower-case names) as the probe presents them."""
        drop = set()
        if self.strip_credentials:
            drop |= _CREDENTIAL_HEADERS
        if self.csrf in (1, 2):
            drop |= _CSRF_HEADERS
        if self.csrf == 3:
            drop |= {"origin", "referer"}
        out = [(k, v) for k, v in headers if k not in drop]
        if self.csrf == 2:
            out.append(("x-csrf-token", FORGED_CSRF_TOKEN))
        elif self.csrf == 3:
            out += [("origin", ATTACKER_ORIGIN), ("referer", ATTACKER_ORIGIN + "/")]
        return out

    def query(self, query: str, parameter: str) -> str:
        """The query string with the injection payload in `parameter` (replacing it if present)."""
        if self.payload is None:
            return query
        kept = [part for part in query.split("&") if part and part.split("=", 1)[0] != parameter]
        return "&".join(kept + [f"{quote(parameter)}={quote(self.payload, safe='')}"])


def report(registry, scenarios: list[str], status: int, log: logging.Logger) -> None:
    """Reports the status answered to each probing scenario; a failure is logged, never raised."""
    for scenario in scenarios:
        try:
            registry.record_response(scenario, status)
        except Exception as error:  # the response has been sent; losing a count must not break serving
            log.warning("syslab could not record the response to a %s probe: %s", scenario, error)
