"""The bad-input corpus: a builder for every case in `bad/manifest.yaml`, and a runner.

* Small cases are committed under `tests/corpus/bad/`; `python tests/corpus/make_corpus.py`
  rebuilds them byte for byte (the corpus test checks that they still match).
* Cases that must not be committed — 1 GB sparse files, a 10 MB cell, ZIP and nesting bombs,
  symbolic links, a FIFO — are built at test time by `build_generated(name, folder)`.
* `python tests/corpus/make_corpus.py --run DIR` runs `zwgk` on every case in this one process
  (as the console script would: `checker.cli.main`) and prints one JSON object with, per case,
  the exit code, stdout, stderr, the report files asked for and the time taken. The corpus test
  runs it in a child process, so that a case that crashes the interpreter (an abort inside a
  native library, a segfault) fails the test instead of killing pytest.

Evidence files are only ever written here, by the builders; the runner only reads them.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import os
import struct
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
MANIFEST = BAD / "manifest.yaml"
REPO = HERE.parent.parent

HEADER = "编号,责任部门,渠道,收到时间,答复时间"
ROWS = (
    "C-1,指挥处,网上咨询求助平台,2022-03-07 10:00,2022-03-07 16:00",
    "C-2,治安支队,12345热线,2022-03-08 09:00,2022-03-09 11:00",
)
PACK_HEAD = "pack: {id: corpus, title: 语料规则包, issuer: 测试, year: 2022, source_file: corpus.txt}\n"
RULE = """\
  - id: corpus/reply-1wd
    title: 答复期限不超过1个工作日
    severity: major
    kind: consultation
    check: {type: deadline, start: received_at, end: replied_at, within: {working_days: 1}}
    source: {file: corpus.txt, clause: 一, quote: 答复期限不超过1个工作日}
"""

COMMITTED: dict[str, Callable[[Path], None]] = {}
GENERATED: dict[str, Callable[[Path], Path]] = {}


def committed(name: str) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    def register(build: Callable[[Path], None]) -> Callable[[Path], None]:
        COMMITTED[name] = build
        return build

    return register


def generated(name: str) -> Callable[[Callable[[Path], Path]], Callable[[Path], Path]]:
    def register(build: Callable[[Path], Path]) -> Callable[[Path], Path]:
        GENERATED[name] = build
        return build

    return register


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _put(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _text(content: str | bytes) -> Callable[[Path], None]:
    return lambda path: _put(path, content)


def _xlsx(rows: list[list[Any]], *, title: str = "consultations", merges: tuple[str, ...] = ()) -> bytes:
    from openpyxl import Workbook

    from checker.templates import reproducible_xlsx

    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    return reproducible_xlsx(wb)  # type: ignore[no-any-return]


def _raw_xlsx(sheet_data: str, extra: str = "") -> bytes:
    """A minimal workbook written by hand, for sheets no spreadsheet program would write."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel_ns}><sheets><sheet name="consultations" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{office}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet {ns}><sheetData>{sheet_data}</sheetData>{extra}</worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2022, 1, 1, 0, 0, 0)), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


GOOD_XLSX_ROWS: list[list[Any]] = [HEADER.split(","), *(r.split(",") for r in ROWS)]

# --------------------------------------------------------------------------- CSV
for _name, _content in {
    "consultations_empty.csv": b"",
    "consultations_blank-lines.csv": b"\r\n   \r\n\t\r\n",
    "consultations_header-only.csv": HEADER + "\r\n",
    "consultations_utf16le-no-bom.csv": csv_text(*ROWS).encode("utf-16-le"),
    "consultations_utf16be-no-bom.csv": csv_text(*ROWS).encode("utf-16-be"),
    "consultations_latin1.csv": "id,department,channel,received_at,replied_at\nC-1,Café Müller,online_platform,2022-03-07 10:00,\n".encode("latin-1"),
    "consultations_binary.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)),
    "consultations_utf8-bom.csv": codecs.BOM_UTF8 + csv_text(*ROWS).encode("utf-8"),
    "consultations_utf16le-bom.csv": codecs.BOM_UTF16_LE + csv_text(*ROWS).encode("utf-16-le"),
    "consultations_utf16be-bom.csv": codecs.BOM_UTF16_BE + csv_text(*ROWS).encode("utf-16-be"),
    "consultations_utf16-truncated.csv": codecs.BOM_UTF16_LE + csv_text(*ROWS).encode("utf-16-le") + b"\x41",
    "consultations_utf8-bom-then-gbk.csv": codecs.BOM_UTF8 + csv_text(*ROWS).encode("gbk"),
    "consultations_utf32-bom.csv": codecs.BOM_UTF32_LE + csv_text(*ROWS).encode("utf-32-le"),
    "consultations_duplicate-headers.csv": csv_text(ROWS[0] + ",2022-03-07 10:00", header=HEADER + ",收到时间"),
    "consultations_1000-columns.csv": csv_text(
        *(r + "," * 995 for r in ROWS), header=HEADER + "," + ",".join(f"备注{i}" for i in range(1, 996))
    ),
    "consultations_1000-cells-row.csv": csv_text(ROWS[0], ROWS[1] + ",x" * 995),
    "consultations_date-feb30.csv": csv_text("C-1,指挥处,网上咨询求助平台,2022-02-30 10:00,2022-03-01 09:00"),
    "consultations_time-2400.csv": csv_text("C-1,指挥处,网上咨询求助平台,2022-03-05 24:00,2022-03-07 09:00"),
    "consultations_date-bc.csv": csv_text("C-1,指挥处,网上咨询求助平台,公元前221年3月5日,2022-03-07 09:00"),
    "consultations_year-0000.csv": csv_text("C-1,指挥处,网上咨询求助平台,0000-03-05,2022-03-07 09:00"),
    "consultations_negative-duration.csv": csv_text("C-1,指挥处,网上咨询求助平台,2022-03-07 10:00,2022-03-04 09:00"),
    "consultations_future-date.csv": csv_text("C-1,指挥处,网上咨询求助平台,2022-12-29 10:00,2023-06-01 09:00"),
    "consultations_unterminated-quote.csv": csv_text('C-1,"指挥处,网上咨询求助平台,2022-03-07 10:00,2022-03-07 16:00', ROWS[1]),
    "consultations_formula-injection.csv": csv_text(
        'C-1,"=HYPERLINK(""http://example.invalid"",""点击"")",网上咨询求助平台,2022-03-07 10:00,2022-03-20 16:00'
    ),
    "ledger_unknown-kind.csv": csv_text(*ROWS),
    "consultations_notes.txt": csv_text(*ROWS),
}.items():
    committed(_name)(_text(_content))

# --------------------------------------------------------------------------- XLSX
committed("consultations_empty.xlsx")(_text(b""))
committed("consultations_renamed-csv.xlsx")(_text(csv_text(*ROWS)))
# An encrypted workbook is an OLE compound file (EncryptedPackage inside); the magic number and
# a sector of padding are all the loader looks at.
committed("consultations_encrypted.xlsx")(_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504))


@committed("consultations_truncated.xlsx")
def _truncated(path: Path) -> None:
    whole = _xlsx(GOOD_XLSX_ROWS)
    _put(path, whole[: len(whole) // 2])


committed("consultations_header-only.xlsx")(lambda path: _put(path, _xlsx(GOOD_XLSX_ROWS[:1])))
committed("consultations_empty-sheet.xlsx")(lambda path: _put(path, _xlsx([])))
committed("consultations_merged-header.xlsx")(
    lambda path: _put(
        path,
        _xlsx([["编号", "责任部门", "渠道", "时间", None], ["", "", "", "收到时间", "答复时间"], *GOOD_XLSX_ROWS[1:]], merges=("D1:E1",)),
    )
)
committed("consultations_merged-data.xlsx")(
    lambda path: _put(path, _xlsx([GOOD_XLSX_ROWS[0], GOOD_XLSX_ROWS[1], ["C-2", None, *GOOD_XLSX_ROWS[2][2:]]], merges=("B2:B3",)))
)
committed("consultations_formulas.xlsx")(
    lambda path: _put(
        path,
        _xlsx([GOOD_XLSX_ROWS[0], ["C-1", "指挥处", "网上咨询求助平台", "2022-03-07 10:00", "=D2+1"], ["C-2", "指挥处", "12345热线", "2022-03-08 09:00", "=D3"]]),
    )
)
committed("consultations_bad-date.xlsx")(
    lambda path: _put(path, _xlsx([GOOD_XLSX_ROWS[0], ["C-1", "指挥处", "网上咨询求助平台", "2022-02-30 10:00", None]]))
)
# A kilobyte whose used area is A1:XFD1048576: calamine would allocate 17 billion cells and abort.
committed("consultations_sparse-bomb.xlsx")(
    lambda path: _put(path, _raw_xlsx(f'<row r="1">{_inline("A1", "编号")}</row><row r="1048576">{_inline("XFD1048576", "x")}</row>'))
)
# The same far cell in another spelling XML allows and the reader accepts: r = 'XFD1048576'.
committed("consultations_quoted-bomb.xlsx")(
    lambda path: _put(
        path, _raw_xlsx(f'<row r="1">{_inline("A1", "编号")}</row><row r="1048576"><c r = \'XFD1048576\' t="inlineStr"><is><t>x</t></is></c></row>')
    )
)
# Cells do not leave A1:AA5000, but 400 overlapping merged ranges cover 40 million cells.
committed("consultations_merge-bomb.xlsx")(
    lambda path: _put(
        path,
        _raw_xlsx(
            f'<row r="1">{"".join(_inline(f"{c}1", h) for c, h in zip("ABCDE", HEADER.split(","), strict=True))}</row>'
            f'<row r="5000">{_inline("AA5000", "x")}</row>',
            '<mergeCells count="400">' + "".join(f'<mergeCell ref="F1:Z{5000 - i}"/>' for i in range(400)) + "</mergeCells>",
        ),
    )
)

# --------------------------------------------------------------------------- JSON
_RECORD = '{"id": "C-1", "department": "指挥处", "channel": "online_platform", "received_at": "2022-03-07 10:00", "replied_at": "2022-03-07 16:00"}'
for _name, _content in {
    "consultations_empty.json": b"",
    "consultations_empty-list.json": "[]\n",
    "consultations_duplicate-keys.json": '[{"id": "C-1", "id": "C-2", "department": "指挥处", "channel": "online_platform", "received_at": "2022-03-07 10:00", "replied_at": null}]\n',
    "consultations_nan.json": '[{"id": "C-1", "department": "指挥处", "channel": "online_platform", "received_at": NaN, "replied_at": null}]\n',
    "consultations_huge-int.json": '[{"id": ' + "9" * 5000 + ', "department": "指挥处", "channel": "online_platform", "received_at": "2022-03-07", "replied_at": null}]\n',
    "consultations_utf16.json": codecs.BOM_UTF16_LE + f"[{_RECORD}]\n".encode("utf-16-le"),
    "consultations_not-list.json": "42\n",
    "consultations_empty-record.json": "[{}]\n",
    "consultations_nested-value.json": '[{"id": "C-1", "department": ["指挥处", "治安支队"], "channel": "online_platform", "received_at": "2022-03-07", "replied_at": null}]\n',
    "consultations_syntax.json": f"[{_RECORD},\n {{\"id\": \"C-2\" \"department\": \"x\"}}]\n",
}.items():
    committed(_name)(_text(_content))

# --------------------------------------------------------------------------- YAML evidence
_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)
for _name, _content in {
    "consultations_empty.yaml": b"",
    "consultations_alias-bomb.yaml": _LAUGHS,
    "consultations_python-tag.yaml": "- id: !!python/object/apply:os.system ['echo pwned']\n  department: 指挥处\n",
    "consultations_duplicate-keys.yaml": "- id: C-1\n  id: C-2\n  department: 指挥处\n",
    "consultations_tab.yaml": "- id: C-1\n\tdepartment: 指挥处\n",
    "consultations_gbk.yaml": "- id: C-1\n  department: 指挥处\n".encode("gbk"),
    "consultations_date-feb30.yaml": "- id: C-1\n  department: 指挥处\n  channel: 网上咨询求助平台\n  received_at: 2022-02-30\n  replied_at:\n",
    "consultations_control-char.yaml": "- id: C-1\n  department: 指\x01挥处\n",
}.items():
    committed(_name)(_text(_content))

# --------------------------------------------------------------------------- rule packs and profiles
committed("rules_duplicate-ids.yaml")(_text(PACK_HEAD + "rules:\n" + RULE + RULE))
committed("rules_deep-nesting.yaml")(
    _text(PACK_HEAD + "rules:\n  - id: corpus/deep\n    note:\n" + "".join("      " + "  " * i + f"k{i}:\n" for i in range(100)) + "      " + "  " * 100 + "x\n")
)
committed("rules_alias-bomb.yaml")(_text(_LAUGHS))
committed("rules_python-tag.yaml")(_text(PACK_HEAD + "rules: !!python/object/apply:os.system ['echo pwned']\n"))
committed("rules_empty.yaml")(_text(b""))
committed("rules_list.yaml")(_text("- 1\n- 2\n"))
committed("rules_duplicate-pack-ids/a.yaml")(_text(PACK_HEAD + "rules:\n" + RULE))
committed("rules_duplicate-pack-ids/b.yaml")(_text(PACK_HEAD + "rules:\n" + RULE))
committed("profile_self/profile.yaml")(_text("name: 自己引用自己\npacks: [profile.yaml]\n"))
committed("profile_mutual/a.yaml")(_text("name: 甲\npacks: [b.yaml]\n"))
committed("profile_mutual/b.yaml")(_text("name: 乙\npacks: [a.yaml]\n"))


# --------------------------------------------------------------------------- built at test time
def _sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk space (a hole); the loader must not read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


for _name, _file, _size in (
    ("csv-1gb", "consultations_1gb.csv", 1 << 30),
    ("xlsx-1gb", "consultations_1gb.xlsx", 1 << 30),
    ("json-100mb", "consultations_100mb.json", 100 << 20),
    ("yaml-100mb", "consultations_100mb.yaml", 100 << 20),
    ("rules-1gb", "rules_1gb.yaml", 1 << 30),
):
    generated(_name)(lambda folder, f=_file, n=_size: _sparse(folder / f, n))


@generated("csv-huge-cell")
def _huge_cell(folder: Path) -> Path:
    path = folder / "consultations_huge-cell.csv"
    _put(path, csv_text(ROWS[0], "C-2,治安支队,12345热线,2022-03-08 09:00," + "长" * (10 << 20), header=HEADER))
    return path


@generated("csv-huge-header")
def _huge_header(folder: Path) -> Path:
    path = folder / "consultations_huge-header.csv"
    _put(path, csv_text(*ROWS, header=HEADER + ",备注" + "注" * 40_000))
    return path


@generated("csv-20000-columns")
def _wide(folder: Path) -> Path:
    path = folder / "consultations_20000-columns.csv"
    _put(path, csv_text(*(r + "," * 19_995 for r in ROWS), header=HEADER + "," + ",".join(f"c{i}" for i in range(19_995))))
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@generated("xlsx-zip-bomb")
def _zip_bomb(folder: Path) -> Path:
    """One part of 50 MB of spaces packed into about 50 KB (ratio about 1000:1)."""
    return _zip(folder / "consultations_zip-bomb.xlsx", {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b" " * (50 << 20)})


@generated("xlsx-size-lie")
def _size_lie(folder: Path) -> Path:
    """A part that declares 1000 bytes but unpacks to 8 MB: the ratio check alone would pass it."""
    path = _zip(folder / "consultations_size-lie.xlsx", {"xl/worksheets/sheet1.xml": b"<c/>" * (2 << 20)})
    data = bytearray(path.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 1000)  # local header: uncompressed size
    struct.pack_into("<I", data, central + 24, 1000)  # central directory: uncompressed size
    path.write_bytes(bytes(data))
    return path


def _nested(open_: str, close: str, depth: int) -> str:
    return open_ * depth + close * depth


def _file(name: str, content: Callable[[], str]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        _put(folder / name, content())
        return folder / name

    return build


generated("json-nesting-bomb")(_file("consultations_nesting-bomb.json", lambda: _nested("[", "]", 100_000)))
generated("yaml-nesting-bomb")(_file("consultations_nesting-bomb.yaml", lambda: _nested("[", "]", 100_000)))
generated("rules-nesting-bomb")(_file("rules_nesting-bomb.yaml", lambda: "pack: " + _nested("{a: ", "}", 50_000)))


# A second kind beside the linked file, so that the folder is not empty when the link is refused.
ACTIVITY_CSV = "编号,责任部门,类型,日期\nH-1,指挥处,政务公开培训,2022-06-15\n"


@generated("symlink-outside")
def _link_outside(folder: Path) -> Path:
    evidence = folder / "link-outside"
    _put(folder / "secret" / "consultations.csv", csv_text(*ROWS))
    _put(evidence / "activities.csv", ACTIVITY_CSV)
    (evidence / "consultations.csv").symlink_to(Path("..") / "secret" / "consultations.csv")
    return evidence


@generated("symlink-outside-absolute")
def _link_outside_absolute(folder: Path) -> Path:
    evidence = folder / "link-absolute"
    _put(evidence / "activities.csv", ACTIVITY_CSV)
    (evidence / "consultations.csv").symlink_to("/etc/passwd")
    return evidence


@generated("symlink-dir-outside")
def _link_dir_outside(folder: Path) -> Path:
    evidence = folder / "link-dir"
    _put(folder / "elsewhere" / "consultations.csv", csv_text(*ROWS))
    _put(evidence / "activities.csv", ACTIVITY_CSV)
    (evidence / "治安支队").symlink_to(folder / "elsewhere", target_is_directory=True)
    return evidence


@generated("symlink-dangling")
def _link_dangling(folder: Path) -> Path:
    evidence = folder / "link-dangling"
    _put(evidence / "activities.csv", ACTIVITY_CSV)
    (evidence / "consultations.csv").symlink_to("missing.csv")
    return evidence


@generated("symlink-inside")
def _link_inside(folder: Path) -> Path:
    evidence = folder / "link-inside"
    _put(evidence / "consultations.csv", csv_text(*ROWS))
    (evidence / "副本").mkdir()
    (evidence / "副本" / "consultations_link.csv").symlink_to(Path("..") / "consultations.csv")
    (evidence / "loop").symlink_to(".", target_is_directory=True)
    return evidence


@generated("fifo")
def _fifo(folder: Path) -> Path:
    evidence = folder / "fifo"
    _put(evidence / "activities.csv", ACTIVITY_CSV)
    os.mkfifo(evidence / "consultations.csv")
    return evidence


@generated("empty-folder")
def _empty_folder(folder: Path) -> Path:
    evidence = folder / "empty-folder"
    evidence.mkdir(parents=True)
    _put(evidence / "说明.txt", "台账稍后补交\n")
    return evidence


generated("missing-path")(lambda folder: folder / "no-such-folder")


# --------------------------------------------------------------------------- building and running
def write_committed(target: Path = BAD) -> list[Path]:
    """Write every committed case under `target` (the manifest is not touched)."""
    written = []
    for name, build in sorted(COMMITTED.items()):
        path = target / name
        build(path)
        written.append(path)
    return written


def build_generated(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return GENERATED[name](folder)


def load_manifest() -> list[dict[str, Any]]:
    import yaml

    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    default = data["default_args"]
    cases = data["cases"]
    for case in cases:
        case.setdefault("args", default)
        case.setdefault("stdout", [])
        case.setdefault("stderr", [])
        case.setdefault("files", {})
    return cases  # type: ignore[no-any-return]


def run_case(case: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """Run `zwgk` on one case in this process; what a user would see, and the time taken.

    With CORPUS_SCAN_AHEAD=all in the environment, every workbook, however small, is pre-scanned
    by the helper process of checker.evidence.scan_ahead; "helper" says whether one was started."""
    from checker.cli import main
    from checker.evidence import scan_ahead

    helpers: list[bool] = []
    start = scan_ahead._start
    if os.environ.get("CORPUS_SCAN_AHEAD") == "all":
        scan_ahead.AHEAD_MIN_BYTES = 0

    def counted(path: Path) -> Any:
        helper = start(path)
        helpers.append(helper is not None)
        return helper

    if case.get("generated"):
        target = build_generated(case["generated"], workdir / "generated" / case["name"])
    else:
        target = BAD / case["path"]
    out = workdir / "out" / case["name"]
    argv = [str(a).replace("{case}", str(target)).replace("{out}", str(out)).replace("{dir}", str(target.parent)) for a in case["args"]]
    stdout, stderr = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    scan_ahead._start = counted
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(argv)
        except BaseException as exc:  # noqa: BLE001 - a test harness records everything
            code = -1
            print(f"harness: {type(exc).__name__}: {exc}", file=sys.stderr)
        finally:
            scan_ahead._start = start
    elapsed = time.perf_counter() - started
    files = {}
    for name in case["files"]:
        path = out / name
        files[name] = path.read_text(encoding="utf-8-sig") if path.is_file() else None
    return {"code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue(), "seconds": round(elapsed, 3), "files": files, "helper": any(helpers)}


def run_all(workdir: Path, names: list[str] | None = None) -> dict[str, Any]:
    os.chdir(REPO)
    results = {}
    for case in load_manifest():
        if names and case["name"] not in names:
            continue
        results[case["name"]] = run_case(case, workdir)
    return results


def _limit_memory(megabytes: int) -> None:
    import resource

    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--run":
        sys.path.insert(0, str(REPO))
        if len(sys.argv) >= 5 and sys.argv[3] == "--max-memory-mb":
            _limit_memory(int(sys.argv[4]))
        outcome = run_all(Path(sys.argv[2]), sys.argv[5:] if len(sys.argv) > 5 else None)
        sys.stdout.write(json.dumps(outcome, ensure_ascii=False))
    else:
        sys.path.insert(0, str(REPO))
        for written in write_committed():
            print(written.relative_to(REPO))
