"""report.html in a real browser: Debian's headless Chromium, driven over the DevTools protocol.

No browser is downloaded and no driver package is needed: Chromium is started with
``--remote-debugging-pipe`` and spoken to through two pipes (fd 3 in, fd 4 out, one JSON
message per NUL-terminated chunk) by the small stdlib client below, which bench/bench_html.py
also uses. Without chromium the tests skip — except under CI=true, where they fail, because a
green CI must not hide a report that was never opened.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
# Puts the two pipe ends on the fds Chromium expects (3: commands in, 4: replies out), then
# becomes Chromium. F_DUPFD ≥ 10 first, so the dup2 calls cannot clobber each other.
_TRAMPOLINE = (
    "import fcntl, os, sys\n"
    "r = fcntl.fcntl(int(sys.argv[1]), fcntl.F_DUPFD, 10)\n"
    "w = fcntl.fcntl(int(sys.argv[2]), fcntl.F_DUPFD, 10)\n"
    "os.dup2(r, 3)\nos.dup2(w, 4)\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


class CdpError(RuntimeError):
    pass


class Chromium:
    """One headless Chromium with a fresh profile and one page, spoken to over the pipe."""

    def __init__(self, binary: str, *, width: int = 1280, height: int = 900, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="zwgk-chromium-")
        cmd_r, self._cmd_w = os.pipe()
        self._out_r, out_w = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _TRAMPOLINE, str(cmd_r), str(out_w), binary, *FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}"],
            pass_fds=(cmd_r, out_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(cmd_r)
        os.close(out_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    # -- protocol
    def _read_message(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CdpError("Chromium did not answer in time")
            ready, _, _ = select.select([self._out_r], [], [], remaining)
            if ready:
                chunk = os.read(self._out_r, 1 << 20)
                if not chunk:
                    raise CdpError("Chromium closed the DevTools pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)  # type: ignore[no-any-return]

    def call(self, method: str, *, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._cmd_w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise CdpError(f"{method}: {reply['error']}")
                return reply.get("result", {})  # type: ignore[no-any-return]
            if "method" in reply:
                self.events.append(reply)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """A command to the page's session."""
        return self.call(method, session=self.session, **params)

    def wait_for(self, event: str, *, since: int = 0) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while True:
            for e in self.events[since:]:
                if e["method"] == event:
                    return e
            since = len(self.events)
            message = self._read_message(deadline)
            if "method" in message:
                self.events.append(message)

    # -- page helpers
    def open(self, url: str) -> float:
        """Navigate and wait for the load event; return the seconds it took."""
        mark = len(self.events)
        start = time.perf_counter()
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired", since=mark)
        return time.perf_counter() - start

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise CdpError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, *, full_page: bool = True) -> bytes:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        data = base64.b64decode(self.send("Page.captureScreenshot", **params)["data"])
        path.write_bytes(data)
        return data

    def print_pdf(self, path: Path) -> bytes:
        data = base64.b64decode(self.send("Page.printToPDF", printBackground=True, preferCSSPageSize=True)["data"])
        path.write_bytes(data)
        return data

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def console_errors(self) -> list[str]:
        errors = []
        for e in self.events:
            p = e["params"]
            if e["method"] == "Runtime.exceptionThrown":
                errors.append(json.dumps(p["exceptionDetails"], ensure_ascii=False))
            elif e["method"] == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert", "warning"):
                errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
            elif e["method"] == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                errors.append(f"{p['entry']['source']}: {p['entry']['text']}")
        return errors

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (CdpError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._cmd_w)
        os.close(self._out_r)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- tests
@pytest.fixture(scope="module")
def chromium_binary() -> str:
    binary = find_chromium()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium 未安装：CI 中浏览器测试不能跳过（.ci/run 会用 apt-get 安装 Debian 的 chromium）")
        pytest.skip("chromium 未安装（apt-get install chromium）")
    return binary


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from checker.cli import main

    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    return out / "report.html"


@pytest.fixture(scope="module")
def page(chromium_binary: str, demo_report: Path) -> Iterator[Chromium]:
    with Chromium(chromium_binary) as browser:
        browser.open(demo_report.as_uri())
        yield browser


def test_demo_report_renders_offline_without_errors(page: Chromium, demo_report: Path, tmp_path: Path) -> None:
    shot = page.screenshot(tmp_path / "report.png")
    assert shot.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(shot[16:20], "big"), int.from_bytes(shot[20:24], "big")
    assert width >= 800 and height > 1500, (width, height)
    assert len(shot) > 50_000  # a page of text and charts, not a blank canvas
    assert page.requests() == [demo_report.as_uri()], "the page fetched something besides itself"
    assert page.evaluate("performance.getEntriesByType('resource').length") == 0
    assert page.console_errors() == []
    assert page.evaluate("document.title").startswith("政务公开合规检查报告")
    assert page.evaluate("document.querySelectorAll('svg.chart').length") >= 2


def test_filters_hide_rows_and_rules(page: Chromium) -> None:
    visible_rows = "Array.from(document.querySelectorAll('table.violations tbody tr')).filter(r => r.offsetParent !== null)"
    visible_rules = "Array.from(document.querySelectorAll('article.rule')).filter(a => !a.hidden)"
    total_rows = page.evaluate(f"{visible_rows}.length")
    total_rules = page.evaluate(f"{visible_rules}.length")
    assert total_rows > 0
    dept = page.evaluate("document.querySelector('table.violations tbody tr').dataset.dept")

    page.evaluate(f"(() => {{ const s = document.getElementById('f-dept'); s.value = {json.dumps(dept)}; s.dispatchEvent(new Event('change')); }})()")
    depts = page.evaluate(f"{visible_rows}.map(r => r.dataset.dept)")
    assert depts and set(depts) == {dept} and len(depts) < total_rows
    assert "显示" in page.evaluate("document.getElementById('f-count').textContent")

    page.evaluate("(() => { const s = document.getElementById('f-status'); s.value = 'pass'; s.dispatchEvent(new Event('change')); })()")
    assert page.evaluate(f"{visible_rows}.length") == 0

    page.evaluate("document.getElementById('filters').reset()")
    page.evaluate("new Promise(r => setTimeout(r, 50))")
    assert page.evaluate(f"{visible_rows}.length") == total_rows
    assert page.evaluate(f"{visible_rules}.length") == total_rules

    record = page.evaluate("document.querySelector('table.violations tbody tr td:nth-child(2)').textContent.trim()")
    page.evaluate(f"(() => {{ const s = document.getElementById('f-search'); s.value = {json.dumps(record)}; s.dispatchEvent(new Event('input')); }})()")
    assert page.evaluate(f"{visible_rows}.length") == 1
    page.evaluate("document.getElementById('filters').reset()")
    page.evaluate("new Promise(r => setTimeout(r, 50))")
    assert page.console_errors() == []


def test_matrix_sorts_by_clicked_column(page: Chromium) -> None:
    totals = "Array.from(document.querySelectorAll('#matrix-table tbody tr')).map(r => Number(r.lastElementChild.dataset.value))"
    names = "Array.from(document.querySelectorAll('#matrix-table tbody th')).map(th => th.dataset.value)"
    page.evaluate("document.querySelector('#matrix-table thead th:first-child button').click()")
    in_order = f"(() => {{ const n = {names}; return n.every((x, i) => i === 0 || n[i - 1].localeCompare(x, 'zh-CN') <= 0); }})()"
    assert page.evaluate(in_order)
    assert page.evaluate("document.querySelector('#matrix-table thead th:first-child').getAttribute('aria-sort')") == "ascending"
    page.evaluate("document.querySelector('#matrix-table thead th:last-child button').click()")
    column = page.evaluate(totals)
    assert column == sorted(column, reverse=True)
    page.evaluate("document.querySelector('#matrix-table thead th:last-child button').click()")
    column = page.evaluate(totals)
    assert column == sorted(column)
    assert page.console_errors() == []


def test_prints_on_a4(page: Chromium, tmp_path: Path) -> None:
    pdf = page.print_pdf(tmp_path / "report.pdf")
    assert pdf.startswith(b"%PDF")
    boxes = [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]
    portrait = [abs(w - 595.3) < 1 and abs(h - 841.9) < 1 for w, h in boxes]  # A4 in points
    landscape = [abs(w - 841.9) < 1 and abs(h - 595.3) < 1 for w, h in boxes]  # the matrix (report.css: matrix-landscape)
    assert boxes and all(p or q for p, q in zip(portrait, landscape, strict=True)), boxes
    assert portrait[0] and any(landscape), "the matrix prints on a landscape page of its own"


def test_printed_matrix_headers_are_plain_text(page: Chromium) -> None:
    """Chromium repeats the matrix's header row on every printed page but paints its sort
    <button>s only on the first: continuation pages had empty column headers. In print the
    buttons are display: contents (their text is painted as the cell's own)."""
    page.send("Emulation.setEmulatedMedia", media="print")
    try:
        shown = page.evaluate("[...document.querySelectorAll('#matrix-table thead th button')].map(b => getComputedStyle(b).display)")
    finally:
        page.send("Emulation.setEmulatedMedia", media="")
    assert shown and set(shown) == {"contents"}, shown
