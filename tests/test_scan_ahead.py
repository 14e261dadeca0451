"""The workbook pre-scan in a helper process (checker.evidence.scan_ahead): it may only make a run
faster. Its answers must equal the scan in this process, a changed file or a failed helper must
fall back to that scan, and the sheet read ahead must give the same report as one read later.
(tests/test_corpus.py also runs every hostile input with the helper on and compares.)"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from checker.errors import EvidenceError
from checker.evidence import load, scan_ahead, workbook_scan

HEADER = ["编号", "责任部门", "渠道", "收到时间", "答复时间"]


def ledger(
    path: Path, rows: int, *, sheets: tuple[str, ...] = ("consultations",), formula: bool = False, dates: bool = False, prefix: str = "ZX"
) -> Path:
    """A consultation ledger; `formula` adds a formula cell without a value, `dates` real date cells."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title in sheets:
        sheet = workbook.create_sheet(title)
        if title == "说明":
            sheet.append(["填写说明"])
            continue
        sheet.append(HEADER)
        for n in range(rows):
            received: Any = dt.datetime(2022, 3, 1 + n % 28, 9, n % 60)
            replied: Any = received + dt.timedelta(days=n % 3)
            if not dates:
                received, replied = received.strftime("%Y-%m-%d %H:%M"), replied.strftime("%Y-%m-%d %H:%M")
            sheet.append([f"{prefix}-{n:05d}", "交警支队", "online_platform", received, replied])
        if formula:
            sheet["F2"] = "=E2+1"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def understated(path: Path, part: str) -> Path:
    """The workbook with `part` (added if missing) declaring 10 bytes fewer than it unpacks to
    (in both ZIP headers)."""
    import struct
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    parts.setdefault(part, b"<sst><si><t>" + b"x" * 5000 + b"</t></si></sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    info = zipfile.ZipFile(path).getinfo(part)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, info.header_offset + 22, info.file_size - 10)
    central = data.index(b"PK\x01\x02" + data[data.index(b"PK\x01\x02") + 4 : data.index(b"PK\x01\x02") + 4])
    while central >= 0:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + length] == part.encode():
            struct.pack_into("<I", data, central + 24, info.file_size - 10)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path


def in_process(file: Path, rel: str) -> tuple[str, Any]:
    try:
        return "scan", workbook_scan.check_workbook(file, rel)
    except EvidenceError as exc:
        return "refused", exc.problems


def via_helper(file: Path, rel: str) -> tuple[str, Any]:
    try:
        return "scan", scan_ahead.check_workbook(file, rel)
    except EvidenceError as exc:
        return "refused", exc.problems


@pytest.fixture
def always(monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper for every workbook, however small."""
    monkeypatch.setattr(scan_ahead, "AHEAD_MIN_BYTES", 0)


@pytest.mark.usefixtures("always")
def test_the_helper_answers_as_the_scan_in_this_process(tmp_path: Path) -> None:
    folder = tmp_path / "ev"
    files = {
        "a_plain/consultations.xlsx": ledger(folder / "a_plain" / "consultations.xlsx", 50),
        "b_dated/consultations.xlsx": ledger(folder / "b_dated" / "consultations.xlsx", 50, dates=True),
        "c_formula/consultations.xlsx": ledger(folder / "c_formula" / "consultations.xlsx", 5, formula=True),
    }
    broken = folder / "d_broken" / "consultations.xlsx"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(files["a_plain/consultations.xlsx"].read_bytes()[:3000])  # cut short: refused
    files["d_broken/consultations.xlsx"] = broken
    with scan_ahead.ahead(folder):
        helper = scan_ahead._current
        assert helper is not None
        for rel, file in files.items():
            assert via_helper(file, rel) == in_process(file, rel), rel
        assert sorted(helper.results) == sorted(files), "each answer came from the helper"
        outcomes = {rel: outcome for rel, (_, outcome, _) in helper.results.items()}
    assert outcomes["d_broken/consultations.xlsx"] == "refused"
    assert outcomes["a_plain/consultations.xlsx"] == "scan"
    assert scan_ahead._current is None
    assert helper.process.poll() is not None, "the helper is gone after the block"


@pytest.mark.usefixtures("always")
def test_a_file_changed_after_the_helper_read_it_is_scanned_again(tmp_path: Path) -> None:
    file = ledger(tmp_path / "ev" / "consultations.xlsx", 20)
    with scan_ahead.ahead(tmp_path / "ev"):
        helper = scan_ahead._current
        assert helper is not None
        assert helper.take("consultations.xlsx") is not None  # the helper has answered for the old file
        ledger(file, 3, formula=True)
        os.utime(file, ns=(1, 1))
        assert via_helper(file, "consultations.xlsx") == in_process(file, "consultations.xlsx")
        assert via_helper(file, "consultations.xlsx")[1].formulas, "the new file's formula was found"


@pytest.mark.usefixtures("always")
def test_a_helper_that_dies_or_cannot_start_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = ledger(tmp_path / "ev" / "consultations.xlsx", 5, formula=True)
    expected = in_process(file, "consultations.xlsx")
    with scan_ahead.ahead(tmp_path / "ev"):
        helper = scan_ahead._current
        assert helper is not None
        helper.process.kill()
        helper.process.wait()
        assert via_helper(file, "consultations.xlsx") == expected
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    with scan_ahead.ahead(tmp_path / "ev"):
        assert scan_ahead._current is None
        assert via_helper(file, "consultations.xlsx") == expected


def test_small_folders_get_no_helper(tmp_path: Path) -> None:
    file = ledger(tmp_path / "ev" / "consultations.xlsx", 20)
    assert file.stat().st_size < scan_ahead.AHEAD_MIN_BYTES
    with scan_ahead.ahead(tmp_path / "ev"):
        assert scan_ahead._current is None


def test_the_helper_is_given_what_the_loader_reads_in_its_order(tmp_path: Path) -> None:
    folder = tmp_path / "ev"
    for rel in ("b/consultations.xlsx", "a.xlsx", "c/d/e.XLSM", ".hidden/x.xlsx", "~$a.xlsx", ".x.xlsx", "notes.csv"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(b"PK\x03\x04 not really a workbook")
    (folder / "empty.xlsx").write_bytes(b"")
    try:  # (Windows without the privilege cannot make links)
        (folder / "link.xlsx").symlink_to(folder / "a.xlsx")
    except OSError:
        pass
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.xlsx")  # a scan would wait on it for ever
    listed = scan_ahead.workbooks(folder)
    assert [rel for _, rel in listed] == ["a.xlsx", "b/consultations.xlsx", "c/d/e.XLSM"]
    read = sorted(load._data_files(folder, load.EvidenceSet(), []))
    # (the empty file is the loader's to refuse: "文件为空")
    assert [file for file, _ in listed] == [f for f in read if f.suffix.lower() in (".xlsx", ".xlsm") and f.stat().st_size and not f.is_symlink()]
    assert scan_ahead.workbooks(folder / "a.xlsx") == [(folder / "a.xlsx", "a.xlsx")]


def test_the_safety_only_scan_refuses_and_bounds_as_the_full_scan(tmp_path: Path) -> None:
    """What the read-ahead thread waits for: the same refusals and too-large sheets as the full
    scan, and nothing that would let fastsheet read a sheet (that needs the full scan)."""
    corpus = Path(__file__).resolve().parent / "corpus" / "bad"
    files = [ledger(tmp_path / "plain.xlsx", 30), ledger(tmp_path / "formula.xlsx", 3, formula=True), *sorted(corpus.glob("*.xlsx"))]
    assert len(files) >= 12
    for file in files:
        try:
            full: Any = workbook_scan.check_workbook(file, file.name)
        except EvidenceError as exc:
            with pytest.raises(EvidenceError) as raised:
                workbook_scan.check_workbook(file, file.name, safety_only=True)
            assert raised.value.problems == exc.problems, file.name
            continue
        safe = workbook_scan.check_workbook(file, file.name, safety_only=True)
        assert (safe.sheets, safe.hidden, safe.dated, safe.fast_book) == (full.sheets, full.hidden, full.dated, full.fast_book)
        assert safe.plain == {} and safe.formulas == {}, file.name
    assert workbook_scan.check_workbook(files[0], "plain.xlsx").plain, "the plain ledger is plain in the full scan"
    # a small shared-strings part that unpacks to more than it declares: both refuse it
    lie = understated(ledger(tmp_path / "lie.xlsx", 30, dates=True), "xl/sharedStrings.xml")
    for safety_only in (True, False):
        with pytest.raises(EvidenceError, match="解压后超过其声明的大小"):
            workbook_scan.check_workbook(lie, lie.name, safety_only=safety_only)
    assert workbook_scan.check_workbook(files[1], "formula.xlsx").formulas


@pytest.mark.parametrize("budget", [workbook_scan.KEEP_BYTES, 10_000])
def test_a_full_scan_from_the_kept_xml_equals_one_that_unpacks_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int) -> None:
    """The helper's second pass reads the sheet XML its safety-only pass kept (within KEEP_BYTES)."""
    import zipfile

    monkeypatch.setattr(workbook_scan, "KEEP_BYTES", budget)
    from openpyxl import load_workbook

    files = [ledger(tmp_path / "a.xlsx", 400, sheets=("说明", "consultations")), ledger(tmp_path / "b.xlsx", 5, formula=True, dates=True)]
    wide = load_workbook(files[0])
    wide["consultations"]["AA7"] = "第27列的单元格"  # past column Z: counted exactly, in both passes
    wide.save(tmp_path / "c.xlsx")
    files.append(tmp_path / "c.xlsx")
    for file in files:
        sizes = {i.filename: i.file_size for i in zipfile.ZipFile(file).infolist() if i.filename.startswith("xl/worksheets/")}
        kept = workbook_scan.KeptXml()
        workbook_scan.check_workbook(file, file.name, safety_only=True, kept=kept)
        # sheets within the fast path's bounds are marked, so the full pass skips those searches
        assert kept.small >= set(kept) if file.name != "c.xlsx" else "xl/worksheets/sheet2.xml" not in kept.small
        assert sum(len(chunk) for part in kept.values() for chunk in part) <= budget
        fits = sorted(name for name, size in sizes.items() if size <= budget)
        assert sorted(kept) == fits if budget == workbook_scan.KEEP_BYTES else set(kept) <= set(fits)
        for name, chunks in kept.items():
            assert sum(map(len, chunks)) == sizes[name]
        assert workbook_scan.check_workbook(file, file.name, kept=kept) == workbook_scan.check_workbook(file, file.name)
        assert kept == {}, "each part is handed over once and then let go"
    assert zipfile.ZipFile(files[0]).getinfo("xl/worksheets/sheet2.xml").file_size > 10_000  # (so the small budget keeps less)


def _check(folder: Path, out: Path) -> bytes:
    from checker.cli import main

    code = main(["check", str(folder), "--year", "2022", "--as-of", "2023-03-01", "--format", "json", "--out", str(out), "--quiet"])
    assert code in (0, 1)
    return (out / "report.json").read_bytes()


@pytest.mark.parametrize("sheets", [("consultations",), ("说明", "consultations")])
def test_the_sheet_read_ahead_gives_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sheets: tuple[str, ...]) -> None:
    folder = tmp_path / "ev"
    ledger(folder / "consultations.xlsx", 300, sheets=sheets)
    ledger(folder / "z_later" / "consultations.xlsx", 30, prefix="ZY")
    without = _check(folder, tmp_path / "out1")
    handed: list[tuple[str, str, bool]] = []
    loaded_sheet = scan_ahead.loaded_sheet

    def recorded(file: Path, rel: str, name: str) -> Any:
        sheet = loaded_sheet(file, rel, name)
        handed.append((rel, name, sheet is not None))
        return sheet

    monkeypatch.setattr(scan_ahead, "AHEAD_MIN_BYTES", 0)
    monkeypatch.setattr(scan_ahead, "loaded_sheet", recorded)
    assert _check(folder, tmp_path / "out2") == without
    # the first workbook's records sheet came from the read-ahead thread (the notes sheet is
    # skipped); the later workbook was read by the loader
    assert handed == [("consultations.xlsx", "consultations", True), ("z_later/consultations.xlsx", "consultations", False)]


def test_a_sheet_read_ahead_that_is_not_plain_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The thread starts reading before the full scan is in; a sheet the full scan finds not
    plain goes to python-calamine. Here row 1 is empty: fastexcel would start the grid at row 2,
    and every row number in the report would be one off."""
    folder = tmp_path / "ev"
    path = ledger(folder / "consultations.xlsx", 300)
    workbook = load_workbook(path)
    workbook["consultations"].insert_rows(1)
    workbook.save(path)
    assert "consultations" not in workbook_scan.check_workbook(path, path.name).plain
    without = _check(folder, tmp_path / "out1")
    monkeypatch.setattr(scan_ahead, "AHEAD_MIN_BYTES", 0)
    read: list[Any] = []
    run = scan_ahead._ReadAhead.run

    def recorded(self: Any) -> None:
        run(self)
        read.append(self.sheet)

    check_workbook = scan_ahead.check_workbook

    def after_the_thread(file: Path, rel: str) -> Any:  # so that the thread surely asks first
        helper = scan_ahead._current
        if helper is not None and helper.read_ahead is not None:
            helper.read_ahead.join()
        return check_workbook(file, rel)

    monkeypatch.setattr(scan_ahead._ReadAhead, "run", recorded)
    monkeypatch.setattr(scan_ahead, "check_workbook", after_the_thread)
    assert _check(folder, tmp_path / "out2") == without
    assert read and read[0] is not None, "the thread did read the sheet (after the safety-only verdict)"


def test_a_sheet_read_ahead_from_a_file_changed_since_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is replaced after the thread read it and before the loader asks: the loader scans
    and reads the new file, never the sheet read from the old one."""
    folder = tmp_path / "ev"
    path = ledger(folder / "consultations.xlsx", 300, prefix="OLD")
    ledger(tmp_path / "new" / "consultations.xlsx", 300, prefix="NEW")
    expected = _check(tmp_path / "new", tmp_path / "out1")
    monkeypatch.setattr(scan_ahead, "AHEAD_MIN_BYTES", 0)
    check_workbook = scan_ahead.check_workbook
    read: list[Any] = []

    def replaced_first(file: Path, rel: str) -> Any:
        helper = scan_ahead._current
        if helper is not None and helper.read_ahead is not None:
            helper.read_ahead.join()
            read.append(helper.read_ahead.sheet)
        path.write_bytes((tmp_path / "new" / "consultations.xlsx").read_bytes())
        os.utime(path, ns=(10**18, 10**18))
        return check_workbook(file, rel)

    monkeypatch.setattr(scan_ahead, "check_workbook", replaced_first)
    assert _check(folder, tmp_path / "out2").replace(b"/ev/", b"/new/") == expected.replace(b"/ev/", b"/new/")
    assert read and read[0] is not None, "the thread had read the old file's sheet"


@pytest.mark.usefixtures("always")
def test_the_helper_imports_nothing_from_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cd 台账 && zwgk check .`: a pickle.py (or zipfile.py …) among the evidence must not run."""
    folder = tmp_path / "ev"
    file = ledger(folder / "consultations.xlsx", 20)
    marker = tmp_path / "ran"
    for module in ("pickle", "zipfile", "struct", "re", "checker"):
        (folder / f"{module}.py").write_text(f"open({str(marker)!r}, 'w').write('{module}')\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    with scan_ahead.ahead(Path(".")):
        helper = scan_ahead._current
        assert helper is not None
        assert via_helper(file, "consultations.xlsx") == in_process(file, "consultations.xlsx")
        assert helper.results.get("consultations.xlsx", (None, None))[1] == "scan", "the helper answered"
    assert not marker.exists(), marker.read_text() if marker.exists() else ""
