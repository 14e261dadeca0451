"""A one-line progress indication on stderr for long runs (a city's year of records).

Shown only when stderr is a terminal and `--quiet` is not given, and only once a run has taken
longer than `ZWGK_PROGRESS_DELAY` seconds (default 0.5): a 50-row CI check never prints it, a
pipe or a CI log never gets carriage returns. The line is rewritten in place and cleared at the
end, so the summary that follows stands alone.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

DEFAULT_DELAY = 0.5
_CLEAR = "\r\x1b[K"


class Progress:
    """`stage("读取台账", "consultations.csv", 3, 12)` → `\\r[3/12] 读取台账：consultations.csv`."""

    def __init__(self, *, enabled: bool, stream: TextIO | None = None, delay: float | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        if delay is None:
            try:
                delay = float(os.environ.get("ZWGK_PROGRESS_DELAY", DEFAULT_DELAY))
            except ValueError:
                delay = DEFAULT_DELAY
        self.delay = delay
        self._start = time.monotonic()
        self._shown = False

    @classmethod
    def for_terminal(cls, *, quiet: bool) -> Progress:
        """Enabled only for an interactive stderr (not a pipe, file or dumb terminal) outside CI
        (CI=true, which CI services set, also where they give the job a terminal)."""
        # (sys.stderr is None when the program was started with standard error closed: `2>&-`)
        interactive = sys.stderr is not None and sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
        in_ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
        return cls(enabled=interactive and not in_ci and not quiet)

    def stage(self, action: str, detail: str = "", done: int | None = None, total: int | None = None) -> None:
        if not self.enabled or time.monotonic() - self._start < self.delay:
            return
        count = f"[{done}/{total}] " if done is not None and total else ""
        text = f"{count}{action}{'：' + detail if detail else ''}"
        self.stream.write(f"{_CLEAR}{text}")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        """Clear the line (only if something was shown)."""
        if self._shown:
            self.stream.write(_CLEAR)
            self.stream.flush()
            self._shown = False


NO_PROGRESS = Progress(enabled=False)
