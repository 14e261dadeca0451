"""Reporters: pure `render(report) -> str` functions, one module each, and atomic writing.

Formats and the files they write (in `--out`):

    html   report.html       one self-contained Chinese page (no network), plus violations.csv
    json   report.json       the machine contract of DESIGN.md
    junit  report.junit.xml  one testsuite per pack, one testcase per rule
    sarif  report.sarif      SARIF 2.1.0, each violation located at its evidence file and row
    md     report.md         a short summary for CI job pages

`violations.csv` (every violation, UTF-8 with BOM for Excel) is written whenever `html` is:
the HTML page lists at most a bounded number of rows per rule and links to it for the rest.
JSON already carries every violation for machines, so the CSV is the HTML's companion.

The HTML, Markdown and JUnit pages point readers at the run's other files (report.html,
violations.csv, report.json) only when the run writes them: `render` passes them the names of
the files written (`--format md` alone must not send anyone to a report.html that is not there).

This module is imported by the CLI at start-up to list the formats: it imports only the
standard library, and each renderer module (jinja2, xml …) is imported when first used.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker.progress import Progress
    from checker.report import Report

# Every format `--format` accepts, in the order they are written.
FORMATS = ("html", "json", "junit", "sarif", "md")

# format → (file name, renderer module inside this package)
RENDERERS: dict[str, tuple[str, str]] = {
    "html": ("report.html", "html"),
    "json": ("report.json", "json_report"),
    "junit": ("report.junit.xml", "junit"),
    "sarif": ("report.sarif", "sarif"),
    "md": ("report.md", "markdown"),
}
VIOLATIONS_CSV = "violations.csv"
# Formats whose page states an overall verdict, which depends on `--fail-on`.
_VERDICT_FORMATS = frozenset({"html", "md"})
# Formats whose page names other files of the run, and so must know which ones are written.
_LINKING_FORMATS = frozenset({"html", "md", "junit"})


def renderer(fmt: str) -> Callable[..., str]:
    """The `render` function of one format, imported on first use."""
    _, module = RENDERERS[fmt]
    return importlib.import_module(f"checker.reporters.{module}").render  # type: ignore[no-any-return]


def prepare(formats: list[str]) -> None:
    """Import the renderers of these formats and compile their templates, before any report
    exists. Work that does not depend on the evidence: `zwgk check` does it while a large
    workbook is still being read on another thread (checker.evidence.scan_ahead)."""
    for fmt in formats:
        module = importlib.import_module(f"checker.reporters.{RENDERERS[fmt][1]}")
        getattr(module, "prepare", lambda: None)()


def render(fmt: str, report: Report, *, fail_on: str = "major", formats: Collection[str] = FORMATS) -> str:
    """One format's text; `formats`: every format this run writes (default all), so that a page
    mentions only files that exist beside it."""
    options: dict[str, object] = {}
    if fmt in _VERDICT_FORMATS:
        options["fail_on"] = fail_on
    if fmt in _LINKING_FORMATS:
        options["written"] = frozenset(output_names(list(formats)))
    return renderer(fmt)(report, **options)


def write_atomic(path: Path, content: str | bytes, *, encoding: str = "utf-8") -> None:
    """Write to a temporary file beside `path`, then rename: readers see the old file or the
    new one, never half of one (an interrupted run leaves the previous report intact).

    Text is encoded as it is (no newline translation, so identical input gives byte-identical
    files on every platform); bytes are written as they are. The file gets the usual permissions
    (0666 less the umask), not mkstemp's private 0600: reports are meant to be shared. The
    temporary file is created inside the `try`, so that an interrupt arriving at any point
    after it exists (Ctrl-C just as it is created, too) removes it again.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode(encoding) if isinstance(content, str) else content
    tmp = path.parent / f".{path.name}.{os.urandom(6).hex()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except FileExistsError:  # only os.open's O_EXCL says this: the name is another writer's
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def output_names(formats: list[str]) -> list[str]:
    """The files `write_reports` writes for these formats, in order."""
    names = []
    for fmt in dict.fromkeys(formats):
        names.append(RENDERERS[fmt][0])
        if fmt == "html":
            names.append(VIOLATIONS_CSV)
    return names


# Every file a run with all formats writes: what a renderer called on its own may mention.
ALL_OUTPUTS = frozenset(output_names(list(FORMATS)))


def check_output(out: Path, formats: list[str]) -> None:
    """Refuse, before any work, an output folder the reports cannot be written to: a file on the
    way, a report name taken by a folder, no permission. (Nothing is created here.)"""
    from checker.errors import OutputError

    existing = out
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"无法写出报告：{existing} 是文件，不是文件夹（--out {out}）")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"无法写出报告：没有文件夹 {existing} 的写入权限（--out {out}）")
    taken = [name for name in output_names(formats) if (out / name).is_dir()]
    if taken:
        raise OutputError(f"无法写出报告：{out} 中已有同名的文件夹 {'、'.join(taken)}，请删除或改用其他 --out 目录")


def write_reports(report: Report, out: Path, formats: list[str], *, fail_on: str = "major", progress: Progress | None = None) -> list[Path]:
    """Render and write each format (and violations.csv beside report.html); return the paths.

    `fail_on` is the `--fail-on` level the run's exit code uses: the HTML and Markdown pages
    state the same verdict (合格/不合格; 未判定 under `never`, which gates nothing) and explain it.
    """
    from checker.errors import OutputError, os_error_text

    check_output(out, formats)
    try:
        return _write_reports(report, out, formats, fail_on=fail_on, progress=progress)
    except OSError as exc:
        raise OutputError(f"无法写出报告 {os_error_text(exc)}") from None


def _write_reports(report: Report, out: Path, formats: list[str], *, fail_on: str, progress: Progress | None) -> list[Path]:
    written = []
    wanted = list(dict.fromkeys(formats))  # each format once, in the order asked
    for n, fmt in enumerate(wanted, start=1):
        name, _ = RENDERERS[fmt]
        path = out / name
        if progress is not None:
            progress.stage("写出报告", name, n, len(wanted))
        if fmt == "json":  # the one format written as the serializer's bytes (see json_report)
            from checker.reporters.json_report import render_bytes

            write_atomic(path, render_bytes(report))
        else:
            write_atomic(path, render(fmt, report, fail_on=fail_on, formats=wanted))
        written.append(path)
        if fmt == "html":
            from checker.reporters.violations_csv import render_csv

            csv_path = out / VIOLATIONS_CSV
            write_atomic(csv_path, render_csv(report))
            written.append(csv_path)
    return written
