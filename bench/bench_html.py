"""Benchmark: 100,000 violations → report.html under 5 MB that opens in Chromium in under 3 s.

Not a unit test (timings depend on the machine); tests/test_reports_html.py asserts only the
size bound and the truncation notice. Run:

    python bench/bench_html.py [--violations 100000] [--keep DIR]

It writes a consultations ledger where every online-platform message was answered late, runs
the real `zwgk check --format html`, then opens report.html in Debian's headless Chromium over
the DevTools pipe (the client from tests/test_reports_browser.py) and times navigation to the
load event, the first filter change, and a full-page screenshot. Exit code 1 when a bound is
missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

MAX_BYTES = 5 * 1024 * 1024
MAX_OPEN_SECONDS = 3.0
DEPARTMENTS = ("指挥处", "治安支队", "交警支队", "刑侦支队", "出入境管理办公室", "人口管理办公室", "法制支队", "网安支队")


def write_ledger(path: Path, n: int) -> None:
    """n online-platform messages of 2022, each answered 20 calendar days later (always late)."""
    start = dt.datetime(2022, 1, 4, 9, 0)
    lines = ["id,department,channel,received_at,replied_at"]
    for i in range(n):
        received = start + dt.timedelta(minutes=(i * 5) % (360 * 24 * 60))
        replied = received + dt.timedelta(days=20)
        lines.append(f"ZX-{i:06d},{DEPARTMENTS[i % len(DEPARTMENTS)]},online_platform,{received:%Y-%m-%d %H:%M},{replied:%Y-%m-%d %H:%M}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--violations", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the evidence, report and screenshot in this directory")
    args = parser.parse_args()

    from test_reports_browser import Chromium, find_chromium

    from checker.cli import main as zwgk

    work = args.keep or Path(tempfile.mkdtemp(prefix="zwgk-bench-"))
    evidence, out = work / "evidence", work / "out"
    write_ledger(evidence / "consultations.csv", args.violations)

    started = time.perf_counter()
    code = zwgk(["check", str(evidence), "--rules", "songjiang-psb-2022", "--year", "2022", "--as-of", "2023-03-01", "--format", "html", "--out", str(out), "--quiet"])
    check_seconds = time.perf_counter() - started
    html = out / "report.html"
    size = html.stat().st_size
    csv_rows = (out / "violations.csv").read_bytes().count(b"\r\n") - 1
    print(f"zwgk check --format html: exit {code}, {check_seconds:.2f} s")
    print(f"report.html: {size / 1024 / 1024:.2f} MB (bound {MAX_BYTES / 1024 / 1024:.0f} MB); violations.csv: {csv_rows} rows")

    ok = size < MAX_BYTES and csv_rows == args.violations
    binary = find_chromium()
    if binary is None:
        print("chromium not found: open time not measured (apt-get install chromium)")
        ok = False
    else:
        with Chromium(binary) as browser:
            open_seconds = browser.open(html.as_uri())
            started = time.perf_counter()
            browser.evaluate("(() => { const s = document.getElementById('f-dept'); s.value = '治安支队'; s.dispatchEvent(new Event('change')); })()")
            filter_seconds = time.perf_counter() - started
            started = time.perf_counter()
            browser.screenshot(work / "report.png")
            shot_seconds = time.perf_counter() - started
            rows = browser.evaluate("document.querySelectorAll('table.violations tbody tr').length")
            notice = browser.evaluate("document.body.innerText.includes('已截断')")
            errors = browser.console_errors()
        print(f"chromium open (navigate → load event): {open_seconds:.2f} s (bound {MAX_OPEN_SECONDS:.0f} s)")
        print(f"filter by department: {filter_seconds * 1000:.0f} ms; full-page screenshot: {shot_seconds:.2f} s")
        print(f"rows in the page: {rows}; truncation notice shown: {notice}; console errors: {len(errors)}")
        ok = ok and open_seconds < MAX_OPEN_SECONDS and notice and not errors
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept: {work}")
    print("OK" if ok else "BOUND MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
