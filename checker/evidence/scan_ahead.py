"""Pre-scan large workbooks in a helper process while the main process is still starting.

`zwgk check` on a 200,000-row .xlsx spends about 0.3 s importing polars, pydantic and the checker,
0.3-0.4 s in the workbook pre-scan (`workbook_scan.check_workbook`, pure Python, required before
any reader opens the file) and 0.6-0.9 s in fastexcel reading the sheet, one after the other on
one core. `ahead(path)`, entered before those imports, starts this module as a helper process on
the .xlsx/.xlsm files under `path`; the loader then asks `check_workbook(file, rel)` here, which
returns the helper's result for the file, or scans it in this process.

A thread of the main process reads the first workbook's first records sheet with fastexcel
(which releases the GIL while it reads) while the main thread imports and loads the rule packs;
`loaded_sheet` hands it to the loader if the full scan finds the sheet plain. For the first
workbook the helper first makes a safety-only pass (`check_workbook(safety_only=True)`: ZIP
structure, sizes, every sheet's extent; most of the full scan's cost is elsewhere) and sends that
verdict at once: the thread starts reading as soon as the file is known to be safe to open,
while the helper goes on with the full scan. Only that one sheet is read ahead, so a run holds
at most one sheet more than it would without.

The helper runs the very same `check_workbook` and sends back its `WorkbookScan` (or the
refusal's messages) per file, in the loader's order, as soon as each file is done. Its result is
used only if the file is unchanged since (size, modification time, inode); anything else (the
helper cannot start, dies, answers nothing or garbage, a file it was not given) and the file is
scanned here, exactly as without a helper. So the helper can only make a run faster, never
change its result. Workbooks under AHEAD_MIN_BYTES in total are not worth a process start
(about 0.06 s, on the other core) and are always scanned here.

Import-light like `workbook_scan`: nothing here may import polars (the helper would pay for it).
"""

from __future__ import annotations

import contextlib
import os
import stat
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from checker.errors import EvidenceError
from checker.evidence import workbook_scan
from checker.evidence.workbook_scan import WorkbookScan

AHEAD_MIN_BYTES = 1024 * 1024  # workbooks in total, packed: about 40,000 rows, a 0.1 s scan
_SUFFIXES = (".xlsx", ".xlsm")  # the ones whose sheets are scanned; .xls/.xlsb/.ods are cheap to check
_FRAME = struct.Struct("<Q")

Signature = tuple[int, int, int, int]


class _Helper:
    """The running helper: results read so far, by relative path."""

    def __init__(self, process: subprocess.Popen[bytes], wanted: set[str]) -> None:
        self.process = process
        self.wanted = wanted  # relative paths sent; any other is never waited for
        self.results: dict[str, tuple[Signature, str, Any]] = {}  # full scans (or refusals)
        self.safe: dict[str, tuple[Signature, str, Any]] = {}  # safety-only scans, sent before the full one
        self.finished = False
        self.lock = threading.Lock()  # the main thread and the read-ahead thread both ask
        self.read_ahead: _ReadAhead | None = None

    def take(self, rel: str, *, safe_enough: bool = False) -> tuple[Signature, str, Any] | None:
        """The helper's answer for `rel`: (signature, outcome, value), outcome one of "scan",
        "refused", "none"; with `safe_enough`, an earlier "safe" (safety-only scan) will do."""
        with self.lock:
            if rel not in self.wanted:
                return None
            while rel not in self.results and not (safe_enough and rel in self.safe) and not self.finished:
                record = _read_frame(self.process.stdout)
                if record is None:
                    self.finished = True
                    break
                (self.safe if record[2] == "safe" else self.results)[record[0]] = record[1:]
            found = self.results.get(rel)
            return found if found is not None or not safe_enough else self.safe.get(rel)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


class _ReadAhead(threading.Thread):
    """Reads the first records sheet of one workbook with fastexcel as soon as the helper has
    found the file safe to open: the same call the loader makes for a plain sheet, only earlier
    (the loader takes it only if the full scan finds the sheet plain). Any failure leaves `sheet`
    None and the loader reads the sheet itself."""

    def __init__(self, helper: _Helper, file: Path, rel: str) -> None:
        super().__init__(name="zwgk-read-ahead", daemon=True)
        self.helper, self.file, self.rel = helper, file, rel
        self.name_read: str | None = None
        self.sheet: Any = None

    def run(self) -> None:
        try:
            found = self.helper.take(self.rel, safe_enough=True)
            if found is None or found[1] not in ("safe", "scan") or found[0] != _signature(self.file):
                return
            scan = found[2]
            if not scan.fast_book:
                return
            notes = workbook_scan.NOTES_SHEETS
            candidates = [n for n in scan.sheets or [] if n.strip().lower() not in notes]
            if found[1] == "scan":  # the full scan came first: it says which sheets are plain
                candidates = [n for n in candidates if n in scan.plain]
            first = candidates[0] if candidates else None
            if first is None:
                return
            import fastexcel

            sheet = fastexcel.read_excel(str(self.file)).load_sheet(first, header_row=None, dtypes="string")
            if _signature(self.file) == found[0]:  # (not changed while it was read)
                self.name_read, self.sheet = first, sheet
        except Exception:  # noqa: BLE001 - the loader reads the sheet itself and reports
            self.sheet = None


_current: _Helper | None = None


@contextlib.contextmanager
def ahead(path: Path) -> Iterator[None]:
    """Scan the large workbooks under `path` in a helper process while the block runs."""
    global _current
    helper = _start(path)
    previous, _current = _current, helper
    try:
        yield
    finally:
        _current = previous
        if helper is not None:
            helper.stop()


def check_workbook(file: Path, rel: str) -> WorkbookScan:
    """`workbook_scan.check_workbook(file, rel)`, answered by the helper when it can be."""
    helper = _current
    found = helper.take(rel) if helper is not None else None
    unchanged = False
    if found is not None:
        try:
            unchanged = found[0] == _signature(file)
        except OSError:
            pass
    if helper is not None and helper.read_ahead is not None and helper.read_ahead.rel == rel:
        if not unchanged or found is None or found[1] != "scan" or not found[2].plain:
            helper.read_ahead = None  # the sheet read ahead is of no use (or of another file): let it go
    if found is not None and unchanged:
        signature, outcome, value = found
        if outcome == "scan" and isinstance(value, WorkbookScan):
            return value
        if outcome == "refused" and isinstance(value, list):
            raise EvidenceError(value)
    return workbook_scan.check_workbook(file, rel)


def loaded_sheet(file: Path, rel: str, name: str) -> Any:
    """The fastexcel sheet read ahead for this workbook's sheet, or None (then read it yourself).
    Handed out once; waits while the read-ahead thread is still reading it."""
    helper = _current
    ahead = helper.read_ahead if helper is not None else None
    if ahead is None or ahead.rel != rel:
        return None
    ahead.join()
    helper.read_ahead = None  # type: ignore[union-attr]  # (helper is set when ahead is)
    return ahead.sheet if ahead.name_read == name else None


def workbooks(path: Path) -> list[tuple[Path, str]]:
    """The .xlsx/.xlsm files the loader will read under `path`, with their relative paths, in its
    order: regular files within the size limit only (links, hidden entries and everything the
    loader refuses are left to it; the helper must never wait on a pipe or device)."""
    if path.is_file():
        found = [path] if path.suffix.lower() in _SUFFIXES else []
        root = path.parent
    else:
        found, root = [], path
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = [d for d in dirnames if not d.startswith(workbook_scan.HIDDEN_PREFIXES)]
            here = Path(dirpath)
            found.extend(here / f for f in filenames if f.lower().endswith(_SUFFIXES) and not f.startswith(workbook_scan.HIDDEN_PREFIXES))
    return [(file, file.relative_to(root).as_posix()) for file in sorted(found) if _ordinary(file)]


def _ordinary(file: Path) -> bool:
    try:
        info = file.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and 0 < info.st_size <= workbook_scan.MAX_EVIDENCE_BYTES


def _start(path: Path) -> _Helper | None:
    """The helper for the workbooks under `path`, or None: too little to scan, or it could not be
    started (then the loader scans everything itself, as it always can)."""
    if getattr(sys, "frozen", False) or "__compiled__" in globals() or not sys.executable:
        return None  # (a frozen or compiled program's executable is not a Python to run -c with)
    if not Path(sys.executable).name.lower().startswith(("python", "pypy")):
        return None
    try:
        files = workbooks(path)
        if not files or sum(file.stat().st_size for file, _ in files) < AHEAD_MIN_BYTES:
            return None
        listing = [(str(file.resolve()), rel) for file, rel in files]
    except (OSError, RuntimeError, ValueError):  # (RuntimeError: a link loop in resolve)
        return None
    import pickle

    # -I: isolated, so that nothing in the current folder (often the evidence folder itself, as in
    # `cd 台账 && zwgk check .`) or in PYTHON* variables is imported; this `checker` is put first.
    # On Windows a venv's python.exe is a launcher that kill() would not stop: use the interpreter.
    package_root = str(Path(__file__).resolve().parents[2])  # the folder holding this `checker`
    code = f"import sys; sys.path.insert(0, {package_root!r}); from checker.evidence.scan_ahead import main; main()"
    executable = getattr(sys, "_base_executable", None) if os.name == "nt" else None
    try:
        process = subprocess.Popen(
            [executable or sys.executable, "-I", "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except (OSError, ValueError):
        return None
    helper = _Helper(process, {rel for _, rel in files})
    try:
        assert process.stdin is not None
        process.stdin.write(pickle.dumps(listing))
        process.stdin.close()
        helper.read_ahead = _ReadAhead(helper, *files[0])
        helper.read_ahead.start()
    except (OSError, RuntimeError):  # (RuntimeError: no thread can be started)
        helper.read_ahead = None
        helper.stop()
        return None
    return helper


def main() -> None:
    """The helper: read the file list from stdin, write one frame per file to stdout."""
    import pickle
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    out = sys.stdout.buffer
    def send(*record: Any) -> None:
        data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_FRAME.pack(len(data)) + data)
        out.flush()

    for n, (name, rel) in enumerate(pickle.loads(sys.stdin.buffer.read())):
        file = Path(name)
        before: Signature = (-1, -1, -1, -1)
        value: Any = None
        try:
            if not _ordinary(file):  # (replaced by a pipe or a link since it was listed)
                raise OSError(name)
            before = _signature(file)
            try:
                kept: dict[str, list[bytes]] | None = None
                if n == 0:  # the file the read-ahead thread waits for (see the module docstring)
                    kept = workbook_scan.KeptXml()
                    send(rel, before, "safe", workbook_scan.check_workbook(file, rel, safety_only=True, kept=kept))
                outcome, value = "scan", workbook_scan.check_workbook(file, rel, kept=kept)
                kept = None
            except EvidenceError as exc:
                outcome, value = "refused", exc.problems
            if _signature(file) != before:
                outcome = "none"
        except Exception:  # noqa: BLE001 - the main process scans this file itself and reports
            outcome = "none"
        # One frame per file, also for none: the main process waits for this file, not the next.
        try:
            send(rel, before, outcome, value)
        except OSError:  # the main process has gone
            return


def _read_frame(stream: IO[bytes] | None) -> tuple[Any, ...] | None:
    import pickle

    if stream is None:
        return None
    try:
        head = stream.read(_FRAME.size)
        if len(head) < _FRAME.size:
            return None
        (size,) = _FRAME.unpack(head)
        data = stream.read(size)
        if len(data) < size:
            return None
        record = pickle.loads(data)
    except Exception:  # noqa: BLE001 - an unreadable answer is no answer
        return None
    return record if isinstance(record, tuple) and len(record) == 4 else None


def _signature(file: Path) -> Signature:
    info = file.stat()
    return (info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev)
