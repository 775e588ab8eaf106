"""audit.html in a real browser: headless Chromium driven over the DevTools protocol (CDP).

The page must load with no console error and no request leaving it, show one claim row per
claim, and its verdict, source and search filters must hide and show the right rows. The
screenshots of the real catalogue land in reports/ (audit-desktop.png 1280 × 2700, audit-narrow.png
390 × 1600; docs/ holds copies).

The CDP client is a minimal WebSocket client on the standard library (RFC 6455: handshake,
masked client frames, fragmented server frames), so the suite needs no websocket package.
Chromium is Debian's (``apt-get install chromium``; .ci/run installs it); without it the tests skip.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import struct
import subprocess
import time
from pathlib import Path

import pytest

from claimaudit.cli import main

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")  # Debian installs /usr/bin/chromium
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--remote-debugging-port=0"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run installs it)")


class WebSocket:
    """A text-only WebSocket client (RFC 6455) over a plain socket: enough for the DevTools protocol."""

    def __init__(self, port: int, path: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the handshake")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        assert head.startswith(b"HTTP/1.1 101") and accept.encode() in head, head.decode(errors="replace")

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buffer)))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def send(self, text: str) -> None:
        payload, mask = text.encode(), os.urandom(4)
        n = len(payload)
        head = struct.pack("!BB", 0x81, 0x80 | n) if n < 126 else (
            struct.pack("!BBH", 0x81, 0xFE, n) if n < 65536 else struct.pack("!BBQ", 0x81, 0xFF, n))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def recv(self) -> str:
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            n = struct.unpack("!H", self._read(2))[0] if n == 126 else struct.unpack("!Q", self._read(8))[0] if n == 127 else n
            payload = self._read(n)  # server frames are never masked
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the WebSocket")
            if opcode == 0x9:  # ping: answer with a masked pong
                self.sock.sendall(struct.pack("!BB", 0x8A, 0x80 | len(payload)) + b"\0\0\0\0" + payload)
                continue
            message += payload
            if b0 & 0x80:
                return message.decode()


class Browser:
    """Headless Chromium with one page attached (flat session); records console errors and requests."""

    def __init__(self, profile: Path) -> None:
        self.proc = subprocess.Popen([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file, deadline = profile / "DevToolsActivePort", time.monotonic() + 15
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                pytest.fail("Chromium did not open its DevTools port within 15 s")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.ws, self.next_id, self.events = WebSocket(int(port), path), 0, []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable", session=True)

    def call(self, method: str, session: bool = False, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for e in self.events:
                if e.get("method") == method:
                    self.events.remove(e)
                    return e
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(method)

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")

    def js(self, expression: str):
        reply = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        assert "exceptionDetails" not in reply, reply["exceptionDetails"]
        return reply["result"].get("value")

    def screenshot(self, path: Path, width: int, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height, deviceScaleFactor=1,
                  mobile=width < 500)
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def errors(self) -> list[str]:
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"].get("text", "exception"))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(p["entry"].get("text", ""))
        return out

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


@pytest.fixture(scope="module")
def small_report(tmp_path_factory) -> Path:
    """audit.html of two sources: paper (3 consistent, a finding, an unexpected inconsistency, 2 not_checkable; its data_only
    claim also has a data-level result, not_checkable until a reconstruction exists), news (1 consistent): 8 claims."""
    from test_reports import CLAIMS, SOURCE

    folder = tmp_path_factory.mktemp("claims")
    (folder / "source.txt").write_text(SOURCE, "utf-8")
    (folder / "paper.yaml").write_text("source:\n  id: paper\n  text: source.txt\nclaims:\n" + CLAIMS, "utf-8")
    (folder / "news.yaml").write_text("source:\n  id: news\n  text: source.txt\nclaims:\n" + CLAIMS.split("  - id: cohort-n")[0], "utf-8")
    out = folder / "reports"
    assert main(["report", str(folder), "--output", str(out), "--quiet"]) == 1
    return out / "audit.html"


@pytest.fixture(scope="module")
def data_report(tmp_path_factory) -> Path:
    """audit.html of test_report_figures' 7 survival claims against the nmosd-small extract: 14 results, 7 claims."""
    from test_report_figures import CLAIMS, SMALL, SOURCE, _report

    folder = tmp_path_factory.mktemp("survival")
    (folder / "source.txt").write_text(SOURCE, "utf-8")
    path = folder / "survival.yaml"
    path.write_text("source:\n  id: survival\n  text: source.txt\nclaims:" + CLAIMS, "utf-8")
    _report(path, folder / "reports", SMALL)
    return folder / "reports" / "audit.html"


def _claims_in(report: Path) -> int:
    """The number of claims the run audited, from audit.json (claims, not results)."""
    return json.loads((report.parent / "audit.json").read_text("utf-8"))["summary"]["claims"]


def _visible(browser: Browser, verdict: str = "") -> int:
    selector = f'.claim[data-verdict="{verdict}"]' if verdict else ".claim"
    return browser.js(f"Array.from(document.querySelectorAll('{selector}')).filter(c => c.offsetParent !== null).length")


def test_the_page_loads_with_no_console_error_and_no_request_leaving_it(browser, small_report):
    url = small_report.as_uri()
    browser.open(url)
    assert browser.errors() == []
    assert [u for u in browser.requests() if u != url and not u.startswith("data:")] == []
    assert browser.js("document.querySelectorAll('.claim').length") == _claims_in(small_report) == 8 == _visible(browser)
    assert browser.js("document.querySelectorAll('.claim .result').length") == 9  # logrank-p has two results


def test_the_verdict_filter_hides_and_shows_the_right_rows(browser, small_report):
    browser.open(small_report.as_uri())
    counts = {"consistent": 4, "inconsistent": 2, "not_checkable": 2}
    assert {v: _visible(browser, v) for v in counts} == counts
    browser.js("document.querySelector('#filters input[value=consistent]').click()")
    assert {v: _visible(browser, v) for v in counts} == {**counts, "consistent": 0}
    assert browser.js("document.getElementById('shown').textContent") == "4 of 8 claims shown"
    browser.js("document.querySelector('#filters input[value=not_checkable]').click()")
    assert _visible(browser) == 2 == _visible(browser, "inconsistent")
    assert browser.js("Array.from(document.querySelectorAll('.claim')).filter(c => c.offsetParent !== null).map(c => c.id)") == [
        "paper--relapse-free", "paper--mm-percent"]  # inconsistent first: the unexpected one, then the finding
    browser.js("document.querySelectorAll('#filters input[name=verdict]').forEach(b => { if (!b.checked) b.click(); })")
    assert _visible(browser) == 8
    assert browser.errors() == []


def test_the_search_box_and_the_source_filter_narrow_the_rows(browser, small_report):
    browser.open(small_report.as_uri())
    browser.js("var s = document.getElementById('search'); s.value = 'ROUGHLY 33'; s.dispatchEvent(new Event('input'))")
    assert browser.js("Array.from(document.querySelectorAll('.claim')).filter(c => !c.hidden).map(c => c.id)") == ["paper--mm-percent"]
    browser.js("var s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input'))")
    assert _visible(browser) == 8
    browser.js("var f = document.getElementById('source-filter'); f.value = 'news'; f.dispatchEvent(new Event('change'))")
    assert browser.js("Array.from(document.querySelectorAll('.claim')).filter(c => c.offsetParent !== null).map(c => c.id)") == [
        "news--female"]
    browser.js("var f = document.getElementById('source-filter'); f.value = ''; f.dispatchEvent(new Event('change'))")
    assert _visible(browser) == 8


def test_a_claim_whose_data_contradict_it_is_one_row_the_filter_treats_as_inconsistent(browser, data_report):
    browser.open(data_report.as_uri())
    assert browser.errors() == []
    assert [u for u in browser.requests() if u != data_report.as_uri() and not u.startswith("data:")] == []
    assert browser.js("document.querySelectorAll('.claim').length") == _claims_in(data_report) == 7
    assert browser.js("document.querySelectorAll('.claim .result').length") == 14
    # titer-hr: consistent from the printed numbers, inconsistent from the extract: its row stays with inconsistent
    browser.js("document.querySelector('#filters input[value=inconsistent]').click()")
    assert _visible(browser) == 0
    browser.js("document.querySelector('#filters input[value=inconsistent]').click()")
    browser.js("document.querySelector('#filters input[value=consistent]').click()")
    assert _visible(browser) == 7 and browser.js("document.getElementById('survival--titer-hr').offsetParent !== null")
    # every figure is drawn with a size (an SVG that fails to parse has none)
    sizes = browser.js("Array.from(document.querySelectorAll('svg.plot')).map(s => [s.classList[1], s.getBoundingClientRect().width > 100])")
    assert {cls for cls, wide in sizes if wide} >= {"forest", "kaplan-meier", "before-after", "change", "verdict-bars"}


def test_the_real_catalogue_renders_and_is_photographed_desktop_and_narrow(browser, tmp_path, monkeypatch):
    """The page `claimaudit report` writes for claims/ with the default data (each source's reconstruction, if any)."""
    monkeypatch.chdir(ROOT)
    out = tmp_path / "reports"
    assert main(["report", "claims", "--output", str(out), "--quiet"]) in (0, 1)
    html = out / "audit.html"
    browser.open(html.as_uri())
    assert browser.errors() == []
    assert [u for u in browser.requests() if u != html.as_uri() and not u.startswith("data:")] == []
    claims = _claims_in(html)
    assert browser.js("document.querySelectorAll('.claim').length") == claims > 200
    for name, width, height in (("audit-desktop.png", 1280, 2700), ("audit-narrow.png", 390, 1600)):
        browser.screenshot(ROOT / "reports" / name, width, height)
        assert (ROOT / "reports" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    browser.call("Emulation.clearDeviceMetricsOverride", session=True)
