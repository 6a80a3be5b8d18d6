"""A small client for headless Chromium's DevTools protocol, over the pipe
(--remote-debugging-pipe: JSON messages separated by NUL bytes on file
descriptors 3 and 4), so it needs no WebSocket package and no open port.

    with Chromium() as browser:
        page = browser.open("file:///tmp/report.html", width=1280)
        assert not page.errors                 # console errors, exceptions, CSP violations
        n = page.evaluate("document.querySelectorAll('circle.pt').length")
        page.screenshot("report-1280.png")

Used by tools/screenshot_report.py and the browser tests (Tests/browser).
Chromium is Debian's `chromium` package (tools/install-deps.sh installs it)."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str:
    """The browser binary: $CHROMIUM, or the first of CANDIDATES on PATH."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise FileNotFoundError("no Chromium found (install Debian's `chromium`: tools/install-deps.sh does it, or set CHROMIUM)")


class DevToolsError(RuntimeError):
    pass


class Chromium:
    """One headless browser process; close() (or leaving `with`) ends it."""

    def __init__(self, binary: Optional[str] = None, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="syslab-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:
            # In the child: the protocol's fds 3 (commands in) and 4 (replies out). Both ends
            # move above 9 first, so that wiring one cannot overwrite the other.
            reads, writes = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        args = [binary or find_chromium(), "--headless", "--remote-debugging-pipe", f"--user-data-dir={self.profile}",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
                "--mute-audio", "--force-color-profile=srgb", "about:blank"]
        # Chromium's own log goes to a file: a pipe nobody reads would fill and stall it.
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
                                        preexec_fn=wire_pipes, close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        try:
            self.call("Browser.getVersion")
        except Exception:
            self.close()
            raise

    # -- protocol --------------------------------------------------------------

    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            written = os.write(self._to_browser, data)
            data = data[written:]

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                self._log.seek(0)
                log = self._log.read().decode(errors="replace")
                raise DevToolsError(f"Chromium closed the DevTools pipe (exit {self.process.poll()}): {log[-2000:]}")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method: str, params: Optional[dict] = None, session: Optional[str] = None) -> dict:
        """Sends a command and returns its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def wait_for(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self._events.pop(i)
            self._events.append(self._receive(deadline))

    def drain(self, session: str) -> list[dict]:
        """The events received so far for one page, removed from the queue."""
        mine = [e for e in self._events if e.get("sessionId") == session]
        self._events = [e for e in self._events if e.get("sessionId") != session]
        return mine

    # -- pages -----------------------------------------------------------------

    def open(self, url: str, width: int = 1280, height: int = 800, dark: bool = False) -> "Page":
        """A new tab at `url`, `width` CSS pixels wide (mobile emulation under 600),
        with prefers-color-scheme `dark` or light; returns once `load` fired."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, target, session, width, height)
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=session)
        page.set_viewport(width, height)
        self.call("Emulation.setEmulatedMedia",
                  {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]}, session=session)
        self.call("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session)
        page.collect()
        return page

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self._send({"id": 0, "method": "Browser.close", "params": {}})
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Page:
    """One tab. `errors` lists console errors, uncaught exceptions and
    browser log errors (a blocked load or a CSP violation lands there)."""

    def __init__(self, browser: Chromium, target: str, session: str, width: int, height: int):
        self.browser, self.target, self.session = browser, target, session
        self.width, self.height = width, height
        self.errors: list[str] = []
        self.messages: list[str] = []

    def collect(self) -> None:
        for event in self.browser.drain(self.session):
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                (self.errors if params.get("type") in ("error", "assert") else self.messages).append(f"console.{params.get('type')}: {text}")
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                self.errors.append("exception: " + str(details.get("exception", {}).get("description", details.get("text"))))
            elif method == "Log.entryAdded":
                entry = params.get("entry", {})
                (self.errors if entry.get("level") == "error" else self.messages).append(f"log.{entry.get('level')}: {entry.get('text')} {entry.get('url', '')}")

    def set_viewport(self, width: int, height: int) -> None:
        self.browser.call("Emulation.setDeviceMetricsOverride",
                          {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}, session=self.session)

    def evaluate(self, expression: str) -> Any:
        result = self.browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=self.session)
        self.collect()
        if "exceptionDetails" in result:
            raise DevToolsError(f"evaluate failed: {result['exceptionDetails'].get('text')}: {expression}")
        return result.get("result", {}).get("value")

    def screenshot(self, path: str | Path, full_page: bool = True, max_height: int = 16000) -> Path:
        """Writes a PNG of the page at its width: the whole page, or the viewport."""
        height = self.height
        if full_page:
            height = min(max(int(self.evaluate("Math.ceil(document.documentElement.scrollHeight)")), 1), max_height)
            self.set_viewport(self.width, height)
        data = self.browser.call("Page.captureScreenshot", {"format": "png"}, session=self.session)["data"]
        if full_page:
            self.set_viewport(self.width, self.height)
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        self.collect()
        return path

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self.target})


def png_size(path: str | Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    header = Path(path).read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
