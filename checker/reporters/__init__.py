"""Reporters: pure `render(report) -> str` functions, one module each, and atomic writing."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from checker.report import Report
from checker.reporters import json_report, markdown

# Every format `--format` accepts; the CLI reads this list, so keep this module import-light.
FORMATS = ("json", "md")

RENDERERS: dict[str, tuple[str, Callable[[Report], str]]] = {
    "json": ("report.json", json_report.render),
    "md": ("report.md", markdown.render),
}


def write_atomic(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write to a temporary file beside `path`, then rename: readers see the old file or the
    new one, never half of one (an interrupted run leaves the previous report intact)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_reports(report: Report, out: Path, formats: list[str]) -> list[Path]:
    written = []
    for fmt in formats:
        name, render = RENDERERS[fmt]
        path = out / name
        write_atomic(path, render(report))
        written.append(path)
    return written
