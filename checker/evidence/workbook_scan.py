"""Check a workbook before any reader opens it: what it is, how large it unpacks, and each sheet's extent.

calamine allocates a sheet as a dense grid and would abort the process on a 5 KB file whose one
cell is XFD1048576; an encrypted or renamed file, a ZIP bomb or a tampered ZIP directory must be
refused with a message, not a crash. `check_workbook` reads every sheet's XML once, as a stream,
and also learns what `checker.evidence.fastsheet` needs to know (whether a sheet is plain).

Import-light on purpose (no polars, no pydantic): `checker.evidence.scan_ahead` runs it in a
helper process while the main process is still importing the checker. Limits: docs/security.md.
"""

from __future__ import annotations

import codecs
import itertools
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.errors import EvidenceError
from checker.evidence.places import MAX_PROBLEMS_PER_COLUMN, clip, column_letter, location, mb

# Limits (docs/security.md); a workbook's ZIP directory is checked before any reader opens it.
MAX_EVIDENCE_BYTES = 1000 * 1024 * 1024  # one CSV or workbook file (checked by load.file_refusal)
MAX_ZIP_MEMBERS = 10_000  # parts of one workbook
MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024  # a workbook's parts unpacked, in total
MAX_COMPRESSION_RATIO = 100  # unpacked : packed, for parts larger than COMPRESSION_RATIO_FLOOR
COMPRESSION_RATIO_FLOOR = 1024 * 1024
MAX_SHEET_CELLS = 26 * 1_048_576  # rows × columns from A1 to a sheet's last cell: Excel's rows × columns A-Z


Merge = tuple[tuple[int, int], tuple[int, int]]
HIDDEN_PREFIXES = (".", "~$", "__MACOSX")  # names the loader never reads (.git, Excel's ~$ lock files)
# Sheets of notes or examples, not records (matched stripped, lower case).
NOTES_SHEETS = {"说明", "填写说明", "填报说明", "notes", "readme", "示例", "填写示例", "填报示例", "样例", "example"}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
_XML_SHEET_SUFFIXES = {".xlsx", ".xlsm"}
_CHUNK = 4 * 1024 * 1024  # bytes read, and bytes unpacked, at a time
_OVERLAP = 64 * 1024  # re-scanned at each chunk boundary: longer than any cell with a formula
_VERIFY_PACKED = 64 * 1024  # parts packed larger than this are unpacked once to check their size
_SPACES = bytes.maketrans(b"\t\n\r", b"   ")  # so that every pattern below can look for " r="
# Fast path, three searches per window: a sheet whose cells are all written exactly
# `<c r="A123456"` (one letter, a row below 1000000), followed by nothing but s="…"/t="…", and whose
# row tags all start `<row r="123456"`, spans at most 26 x 999999 cells, within MAX_SHEET_CELLS.
# Anything else is counted exactly: a cell in any other form (a longer reference, another attribute
# first or no space before one, a second r, no reference, ">" in a value), a row tag in any other
# form, or an element with a namespace prefix (the same search finds `<x:c` and `<x:f`).
# (Possessive quantifiers, Python 3.11+: nothing to backtrack into, 15% faster.)
_NOT_SMALL_CELL = re.compile(rb'<c(?! r="[A-Za-z][0-9]{1,6}+"(?: [st]="[^"<>]*+")*+/?>)[ />]')
_NOT_SMALL_ROW = re.compile(rb'<row(?! r="[1-9][0-9]{0,5}"[ />])[ />]')
_PREFIXED_CELL_OR_FORMULA = re.compile(rb":[cf][ />]")
_SMALL_ROWS, _SMALL_COLUMNS = 999_999, 26
# In exact counting: a cell whose first attribute is not its reference, a prefixed cell element.
_CELL_NOT_REF_FIRST = re.compile(rb'<c(?! r=")[ />]')
_PREFIXED_CELL = re.compile(rb":c[ />]")
# Exact counting reads attributes in one spelling: `_canonical_attributes` first rewrites the
# others XML allows and calamine reads (spaces around "=", single quotes, no space between two
# attributes: r = 'XFD1048576', s="0"r="XFD1048576"). Element prefixes may be any name (é:c).
_ATTRIBUTE_VALUE = re.compile(rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PREFIX = rb"""(?:[^\s<>/:"'=]+:)?"""
_IN_TAG = rb'(?:[^>"]|"[^"]*")*?'  # (in canonical text every value is in double quotes)
_REF_LETTERS = re.compile(rb' r="([A-Za-z]+)[0-9]')
_REF_ROW = re.compile(rb' r="[A-Za-z]+([0-9]+)"')
_REF_LONG_ROW = re.compile(rb' r="[A-Za-z]+([0-9]{6,})"')
_CELL_WITHOUT_REF = re.compile(b"<" + _PREFIX + rb'c(?=[ />])(?!' + _IN_TAG + rb' r=")')
_ROW_TAG = re.compile(b"<" + _PREFIX + rb"row(?=[ />])" + _IN_TAG + rb' r="([0-9]+)"')
_ANY_CELL = re.compile(b"<" + _PREFIX + rb"c[ />]")
_FORMULA = re.compile(rb"<f[ />]")  # (prefixed: _PREFIXED_CELL_OR_FORMULA)
# A cell holding a formula and no calculated value (<v> missing or empty), as written by programs
# such as openpyxl: calamine reads it as an empty cell, which would silently mean "not replied".
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"<(?:[\w.-]+:)?c\b([^>]*)>\s*<(?:[\w.-]+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:[\w.-]+:)?f>)\s*"
    rb"(?:<(?:[\w.-]+:)?v\s*/>|<(?:[\w.-]+:)?v>\s*</(?:[\w.-]+:)?v>)?\s*</(?:[\w.-]+:)?c>"
)
# For fastsheet (see its docstring; number formats are judged in `_number_formats`): text it
# would mistake for a date in a workbook with date styles, cells and merges it cannot take, A1
# holding a value.
_DATE_LIKE_TEXT = (b" 00:00:00", b"1899-12-3")
# Text the markers above would miss: a character reference or _xHHHH_ escape for a character
# of a marker (space, "-", digits, ":"), or a string in rich-text runs (the marker split across
# two runs). Only those characters: writers such as openpyxl escape every CJK character (about
# 800,000 "&#" in a 200,000-row sheet), and the narrower pattern rejects those sooner.
# (Separate searches: one pattern with alternatives that share no literal prefix is far slower.)
_ESCAPED_TEXT = (
    re.compile(rb"&#(?:0*(?:32|45|4[89]|5[0-8])|[xX]0*(?:20|2[dD]|3[0-9aA]));"),
    re.compile(rb"_x00(?:20|2[dD]|3[0-9aA])_"),
    re.compile(rb"<r[ >]"),
    re.compile(rb":r[ >]"),
)
# Values the date rewrite would misread: a serial within a millisecond of midnight, in exponent
# form, or beyond the years fastexcel writes (it leaves those empty).
# (Compiled literals: for two-byte needles the regular-expression search is faster than `in`.)
_NEAR_MIDNIGHT = (re.compile(rb"\.(?:0000000|9999999)"), re.compile(rb"E-"), re.compile(rb"e-"))
_HUGE_NUMBER = re.compile(rb"<v>-?[0-9]{7}")
_BOOLEAN_NOT_0_1 = re.compile(rb't="b"[^>]*>(?!<v>[01]</v>)')
_ISO_DATE_CELL = re.compile(rb't="d"')
_A1_WITH_VALUE = re.compile(rb'<c r="A1"(?:\s[^>]*)?(?<!/)>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?(?:<v>[^<]|<is>)')
_MERGE_REF = re.compile(rb'<mergeCell ref="([A-Z]{1,3})([1-9][0-9]{0,6})(?::([A-Z]{1,3})([1-9][0-9]{0,6}))?"')
_REF_IN_ATTRS = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')



def _looks_like_text(file: Path) -> bool:
    with file.open("rb") as handle:
        head = handle.read(4096)
    if b"\x00" in head:
        return False
    for codec in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(codec)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            pass
    return False


@dataclass
class WorkbookScan:
    """What the pre-check found per sheet name in a workbook a reader may open: formula cells
    without a calculated value (they would read as empty), and what fastsheet needs. (A sheet too
    large to read refuses the whole workbook: `check_workbook` raises.)"""

    formulas: dict[str, list[str]] = field(default_factory=dict)
    plain: dict[str, list[Merge]] = field(default_factory=dict)  # sheets fastsheet may read: their merged ranges
    sheets: list[str] | None = None  # every sheet in workbook order, when all are worksheets the scan read
    hidden: frozenset[str] = frozenset()
    dated: bool = False  # some cell style is a date or time: fastsheet rewrites date texts
    fast_book: bool = False  # workbook settings and number formats allow fastsheet (before any sheet is read)
    # Numeric cells shown as a percentage (0.045 shown as 4.5%), by sheet: (row, column) from 0.
    # The readers give the stored number; the loader reads them as shown, like every number.
    percent: dict[str, set[tuple[int, int]]] = field(default_factory=dict)


@dataclass
class SheetShape:
    """What `_scan_sheet` learns for `fastsheet` (see its docstring for why each point matters)."""

    plain: bool = True
    dated: bool = False  # the workbook has date styles: text must not look like a date fastexcel writes
    starts_at_a1: bool = False
    in_data: bool = False  # <sheetData> seen
    first_cell_seen: bool = False
    merges: list[Merge] = field(default_factory=list)
    counted_exactly: bool = False  # (set by _scan_sheet) some window was not within the fast path's bounds


def check_workbook(file: Path, rel: str, *, safety_only: bool = False, kept: dict[str, list[bytes]] | None = None) -> WorkbookScan:
    """Refuse a workbook that is not what its name says, or that would exhaust memory.

    Raises `EvidenceError` for the whole file: empty, encrypted (an OLE container where a ZIP
    should be), a renamed text file, a broken ZIP, too many parts, too much unpacked data, a
    compression ratio or a packed stream larger than declared (a ZIP bomb). For .xlsx/.xlsm it
    also reads each sheet's XML once, as a stream, to find the extent of its cells and formula
    cells without a value; any sheet too large for a reader refuses the whole file.

    `safety_only`: only what decides whether a reader may open the file at all (everything
    above except the formula cells), not which sheets fastsheet may read (`plain` stays empty).
    If it returns, a reader may open the file; the loader needs the full scan.

    `kept`: a safety-only scan keeps each sheet's unpacked XML there (up to KEEP_BYTES in all),
    and a full scan given the same dict takes it from there instead of unpacking it again (the
    sizes were checked when it was kept). For `checker.evidence.scan_ahead`, which runs both.
    """
    suffix = file.suffix.lower()
    with file.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise EvidenceError(f"{rel}：文件为空（0 字节），不是有效的 Excel 工作簿")
    if suffix not in _ZIP_SUFFIXES:
        return WorkbookScan()  # .xls: an OLE file that calamine reads; only the size limit applies
    unreadable = f"{rel}：无法作为 Excel 工作簿读取（文件损坏、加密或并非 Excel 文件："
    if head.startswith(_OLE_MAGIC):
        raise EvidenceError(
            f"{unreadable}这是设置了打开密码的加密工作簿，或是改了扩展名的旧版 .xls 文件。"
            "请在 Excel/WPS 中取消打开密码后另存为 .xlsx；旧版 .xls 文件请把扩展名改回 .xls）"
        )
    if not head.startswith(_ZIP_MAGIC):
        if _looks_like_text(file):
            raise EvidenceError(
                f"{unreadable}内容是文本，可能是把 CSV 文件的扩展名改成了 {suffix}。请把扩展名改回 .csv，或在 Excel/WPS 中打开后另存为 .xlsx）"
            )
        raise EvidenceError(f"{unreadable}文件开头不是 Excel 工作簿的 ZIP 格式）")
    broken = f"{unreadable}ZIP 结构不完整或已损坏，可能是下载或复制没有完成，请重新获取文件）"
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            book = _book(archive, infos) if suffix in _XML_SHEET_SUFFIXES else _Book()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error, NotImplementedError):
        raise EvidenceError(broken) from None
    if len({info.filename for info in infos}) != len(infos):
        raise EvidenceError(f"{rel}：工作簿的 ZIP 目录中有重名的部件，文件结构被篡改，已拒绝；请在 Excel/WPS 中打开后另存为 .xlsx")
    if len(infos) > MAX_ZIP_MEMBERS:
        raise EvidenceError(f"{rel}：工作簿包含 {len(infos)} 个部件，超过上限 {MAX_ZIP_MEMBERS} 个，疑似“ZIP 炸弹”，已拒绝")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise EvidenceError(f"{rel}：工作簿解压后共 {mb(total)}，超过上限 {mb(MAX_UNCOMPRESSED_BYTES)}，疑似“ZIP 炸弹”，已拒绝")
    for info in infos:
        if info.flag_bits & 0x1:
            raise EvidenceError(f"{rel}：工作簿的部件 {info.filename} 经过 ZIP 加密，无法读取；请取消密码后另存为 .xlsx")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise EvidenceError(f"{rel}：工作簿的部件 {info.filename} 使用了 Excel 不使用的压缩方式（{info.compress_type}），已拒绝")
        if info.file_size > COMPRESSION_RATIO_FLOOR and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise EvidenceError(
                f"{rel}：工作簿的部件 {info.filename} 压缩比为 {ratio}:1（{mb(info.compress_size)} 解压为 {mb(info.file_size)}），"
                f"超过上限 {MAX_COMPRESSION_RATIO}:1，疑似“ZIP 炸弹”，已拒绝"
            )
    names = book.parts
    scan = WorkbookScan(sheets=book.order, hidden=frozenset(book.hidden), dated=book.dated, fast_book=book.plain)
    plain_book = book.plain and not safety_only
    too_large: list[str] = []
    try:
        with file.open("rb") as handle:
            for info in infos:
                # Every part the workbook names as a sheet is scanned, wherever it lies and however
                # its name is spelt (xl/worksheets/./sheet1.xml is the reader's sheet1.xml); if the
                # workbook's own list of sheets could not be read, every XML part is.
                norm = posixpath.normpath(info.filename)
                is_sheet = suffix in _XML_SHEET_SUFFIXES and (
                    _is_worksheet(info.filename)
                    or _is_worksheet(norm)
                    or info.filename in names
                    or norm in names
                    or (not book.read and info.filename.lower().endswith(".xml"))
                )
                # (the safety pass unpacks what the full one does, so that both refuse alike)
                is_strings = book.plain and book.dated and info.filename.lower() == "xl/sharedstrings.xml"
                if not is_sheet and not is_strings and info.compress_size <= _VERIFY_PACKED:
                    continue
                known_small = False
                if kept is not None and is_sheet and not safety_only and info.filename in kept:
                    chunks: Iterator[bytes] = iter(kept.pop(info.filename))
                    # The safety pass saw these very bytes within the fast path's bounds: the same
                    # searches over the same windows would find nothing again.
                    known_small = info.filename in getattr(kept, "small", ())
                else:
                    chunks = _inflate(handle, info, rel)
                    if kept is not None and is_sheet and safety_only:
                        chunks = _keeping(chunks, kept, info.filename)
                if not is_sheet:
                    if is_strings and plain_book:
                        plain_book = not _contains_any(chunks, _DATE_LIKE_TEXT, _ESCAPED_TEXT)
                    for _ in chunks:  # only the size check matters here
                        pass
                    continue
                name = names.get(info.filename, names.get(norm))
                shape = SheetShape(plain=plain_book, dated=book.dated)
                percent_cells: set[tuple[int, int]] | None = set() if book.percent and not safety_only else None
                found = _scan_sheet(
                    chunks, rel, name, shape, find_formulas=not safety_only, percent=(book.percent, percent_cells), known_small=known_small
                )
                if safety_only and isinstance(kept, KeptXml) and not shape.counted_exactly:
                    kept.small.add(info.filename)
                if percent_cells and name is not None:
                    scan.percent[name] = percent_cells
                if name is not None and shape.plain and shape.starts_at_a1:
                    scan.plain[name] = sorted(shape.merges)
                if found is None:
                    continue
                label, problem = found
                if name is None and problem[0]:
                    raise EvidenceError(problem[0])
                if problem[0]:
                    too_large.append(problem[0])
                if problem[1]:
                    scan.formulas[label] = problem[1]
    except (zlib.error, OSError, struct.error):
        raise EvidenceError(broken) from None
    if too_large:
        # The whole file, not only that sheet: which name a reader gives a sheet part is its own
        # reading of xl/workbook.xml (a tab in a name, two names for one part), not ours.
        raise EvidenceError(too_large)
    if not plain_book:
        scan.plain.clear()
    return scan


def _is_worksheet(name: str) -> bool:
    return bool(re.fullmatch(r"xl/worksheets/[^/]+\.xml", name, flags=re.IGNORECASE))


@dataclass
class _Book:
    parts: dict[str, str] = field(default_factory=dict)  # worksheet part: sheet name
    order: list[str] | None = None  # sheet names in order, if every sheet is a worksheet part
    hidden: set[str] = field(default_factory=set)
    plain: bool = False  # workbook settings and number formats allow fastsheet (see there)
    dated: bool = False  # some cell style is a date or time format
    percent: frozenset[int] = frozenset()  # cell styles (indexes into cellXfs) that show numbers as percentages
    read: bool = False  # xl/workbook.xml and its relationships were read


# Built-in number formats (ECMA-376 18.8.30) both readers treat alike: general, numbers,
# percentages, fractions, scientific, text, dates 14-22 and times 45/47. The East Asian date
# formats 27-36 and 50-58 (saved by Chinese Excel and WPS) are dates to python-calamine and
# numbers to the calamine inside fastexcel; 46 is an elapsed time. Custom formats (164 and up)
# agree unless they are elapsed times ([h]:mm …). tests/test_fastsheet.py checks every one.
_PLAIN_BUILTIN_FORMATS = frozenset(range(0, 23)) | frozenset(range(37, 46)) | {47, 48, 49}
_DATE_BUILTIN_FORMATS = frozenset(range(14, 23)) | {45, 47}
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def _book(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> _Book:
    """Sheet names, parts and visibility from xl/workbook.xml and its relationships, and whether
    the workbook's settings and number formats allow fastsheet; an empty `_Book` if unreadable.

    Read with ElementTree only when small (each is a few KB in any real workbook); the expat
    parser Python ships refuses entity-expansion bombs and never fetches external entities.
    """
    import xml.etree.ElementTree as ET

    sizes = {info.filename: info.file_size for info in infos}
    wanted = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
    if any(sizes.get(name, 1 << 30) > 16 * 1024 * 1024 for name in wanted):
        return _Book()
    try:
        book = ET.fromstring(archive.read(wanted[0]))
        rels = ET.fromstring(archive.read(wanted[1]))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, zlib.error, OSError):
        return _Book()
    targets = {rel.get("Id"): rel.get("Target") or "" for rel in rels if rel.tag.rsplit("}", 1)[-1] == "Relationship"}
    result = _Book(order=[], read=True)
    settings = []
    for element in book.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "workbookPr":
            settings.append(element.get("date1904", "").strip().lower() in ("1", "true"))
        if tag != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        target = targets.get(rid)
        name = element.get("name")
        part = None
        if target and name is not None:
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            result.parts[part] = name
        if result.order is not None and name is not None and part is not None and _is_worksheet(part) and part in sizes:
            result.order.append(name)
            if element.get("state", "visible") != "visible":
                result.hidden.add(name)
        else:
            result.order = None
    if result.order is not None and len({n.casefold() for n in result.order}) != len(result.order):
        result.order = None  # two sheets of one name: which one a reader picks is its own choice
    formats = _number_formats(archive, sizes)
    if formats is not None:
        result.percent = formats[2]
    if len(settings) > 1 or any(settings):  # (a 1904 date system: python-calamine only)
        formats = None
    # Percentage cells are rewritten by the loader from python-calamine's values: not fastsheet.
    result.plain = result.order is not None and formats is not None and formats[0] and not result.percent
    result.dated = formats is not None and formats[1]
    return result


def _number_formats(archive: zipfile.ZipFile, sizes: dict[str, int]) -> tuple[bool, bool, frozenset[int]] | None:
    """(every cell style's number format reads alike in both readers, some style is a date or
    time, the styles that show a number as a percentage) from xl/styles.xml; None if it is
    missing, large or unreadable."""
    import xml.etree.ElementTree as ET

    if sizes.get("xl/styles.xml", 1 << 30) > 16 * 1024 * 1024:
        return None
    try:
        styles = ET.fromstring(archive.read("xl/styles.xml"))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, zlib.error, OSError):
        return None
    custom: dict[int, str] = {}
    cell_formats: list[int] = []  # cellXfs in order: a cell's s="N" is the N-th
    for element in styles.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        try:
            if tag == "numFmt":
                custom[int(element.get("numFmtId", ""))] = element.get("formatCode", "")
            elif tag == "cellXfs":
                cell_formats += [int(xf.get("numFmtId", "0")) for xf in element if xf.tag.rsplit("}", 1)[-1] == "xf"]
        except ValueError:
            return None
    used = set(cell_formats)
    percent = frozenset(
        i for i, number in enumerate(cell_formats) if number in (9, 10) or (number >= 164 and "%" in _FORMAT_LITERALS.sub("", custom.get(number, "")))
    )
    plain, dated = True, False
    for number in used:
        if number < 164:
            plain = plain and number in _PLAIN_BUILTIN_FORMATS
            dated = dated or number in _DATE_BUILTIN_FORMATS
            continue
        if number not in custom or re.search(r"\[(?:h+|m+|s+)\]", custom[number].lower()):
            plain = False
        # Any letter left outside quotes, escapes and [..] may be a date or time part (y, m, d,
        # h, s, and era or weekday codes such as e, g, b, a): erring towards "dated" only adds checks.
        code = re.sub(r"general|e[+-]", "", _FORMAT_LITERALS.sub("", custom.get(number, "")).lower())
        dated = dated or bool(re.search(r"[a-z]", code))
    return plain, dated, percent


def _inflate(handle: Any, info: zipfile.ZipInfo, rel: str) -> Iterator[bytes]:
    """A ZIP part's unpacked bytes in chunks, refusing to produce more than the directory says.

    The size limits above trust the declared sizes; a crafted stream that unpacks to more than
    declared is caught here, at the first byte over, before any reader sees it.
    """
    handle.seek(info.header_offset)
    local = handle.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise zlib.error("bad local header")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, produced, packed = info.compress_size, 0, b""
    while left > 0 or packed:
        if not packed:
            packed = handle.read(min(_CHUNK, left))
            if not packed:
                raise zlib.error("truncated")
            left -= len(packed)
        if inflater is None:
            data, packed = packed, b""
        else:
            data = inflater.decompress(packed, min(_CHUNK, info.file_size - produced + 1))
            packed = inflater.unconsumed_tail
        produced += len(data)
        if produced > info.file_size:
            raise EvidenceError(
                f"{rel}：工作簿的部件 {info.filename} 解压后超过其声明的大小（{mb(info.file_size)}），ZIP 结构被篡改或是“ZIP 炸弹”，已拒绝"
            )
        if data:
            yield data
        if inflater is not None and inflater.eof:
            break


KEEP_BYTES = 256 * 1024 * 1024  # unpacked sheet XML a safety-only scan keeps for the full one


class KeptXml(dict[str, list[bytes]]):
    """Sheet XML a safety-only pass keeps for the full one (`check_workbook(kept=…)`), and which
    of those sheets it found entirely within the fast path's bounds (`small`)."""

    def __init__(self) -> None:
        super().__init__()
        self.small: set[str] = set()


def _keeping(chunks: Iterator[bytes], kept: dict[str, list[bytes]], name: str) -> Iterator[bytes]:
    """The chunks as they come; once all have come (and passed the size check), also kept in
    `kept[name]`, unless that would take the total kept past KEEP_BYTES."""
    stored: list[bytes] | None = []
    size = sum(len(chunk) for part in kept.values() for chunk in part)
    for chunk in chunks:
        if stored is not None:
            size += len(chunk)
            if size > KEEP_BYTES:
                stored = None
            else:
                stored.append(chunk)
        yield chunk
    if stored is not None:
        kept[name] = stored


def _scan_sheet(
    chunks: Iterator[bytes],
    rel: str,
    name: str | None,
    shape: SheetShape | None = None,
    *,
    find_formulas: bool = True,
    percent: tuple[frozenset[int], set[tuple[int, int]] | None] = (frozenset(), None),
    known_small: bool = False,
) -> tuple[str, tuple[str | None, list[str]]] | None:
    """One pass over a sheet's XML: the grid calamine will allocate, and formulas without values.

    The grid spans A1 to the largest row and column any cell names; cells without a reference
    are counted conservatively (every cell in one row, every row tag). Ordinary sheets (columns
    A-Z, rows below 1000000) are settled by two searches per chunk; the rest are counted exactly.
    Returns (sheet label, (too-large message, formula messages)), or None when all is well.
    `shape`, if given, learns whether fastsheet may read the sheet and its merged ranges;
    `find_formulas=False` skips the search for formula cells without a value.
    `percent`: (the styles that show numbers as percentages, a set to add such cells to).
    `known_small`: an earlier pass over these same chunks found every window within the fast
    path's bounds and without prefixed elements; the searches that decide it are skipped.
    """
    percent_styles, percent_cells = percent
    unplaced = False
    shape = shape if shape is not None else SheetShape(plain=False)
    exact = False
    max_row = max_col = row_tags = cells_without_ref = total_cells = 0
    formulas: dict[tuple[int, int], str] = {}
    pending = overlap = b""
    for data in itertools.chain(chunks, [None]):
        # Each window ends just before a "<", so no element is cut at its end; it starts with the
        # last 64 KB of the previous one (from a "<"), so a cell cut in two is seen whole. Seeing
        # a reference twice changes no maximum, and counts only err upwards.
        # (Joined in one copy: windows are 4 MB and every copy of them costs.)
        if data is None:
            if not pending:
                break
            window, pending = overlap + pending, b""
        else:
            cut = data.rfind(b"<")
            if cut < 0 or not (cut or pending):
                pending += data
                continue
            window = b"".join((overlap, pending, memoryview(data)[:cut]))
            pending = data[cut:]
        if b"\t" in window or b"\n" in window or b"\r" in window:
            window = window.translate(_SPACES)
        prefixed = not known_small and _PREFIXED_CELL_OR_FORMULA.search(window) is not None
        if not exact and not known_small and (prefixed or _NOT_SMALL_CELL.search(window) or _NOT_SMALL_ROW.search(window)):
            exact = True  # what came before is within the small bounds
            if overlap:
                max_row, max_col = _SMALL_ROWS, _SMALL_COLUMNS
        if exact:
            refs = _canonical_attributes(window)
            letters = set(_REF_LETTERS.findall(refs))
            max_col = max(max_col, *(_column_index(x.decode().upper()) + 1 for x in letters)) if letters else max_col
            rows = _REF_LONG_ROW.findall(refs) or _REF_ROW.findall(refs)
            max_row = max(max_row, max(map(int, rows), default=0))
            tags = _ROW_TAG.findall(refs)  # (every window: a row's cells may come windows later)
            row_tags = max(row_tags, max(map(int, tags), default=0), refs.count(b"row"))
            if _unusual_cells(refs) and _CELL_WITHOUT_REF.search(refs):
                cells_without_ref += 1
                total_cells += len(_ANY_CELL.findall(refs))
        if shape.plain:
            _shape_window(shape, window, exact, len(overlap))
        if percent_cells is not None and percent_styles and b" s=" in window:
            unplaced = _percent_cells(window, percent_styles, percent_cells) or unplaced
        if find_formulas and len(formulas) <= MAX_PROBLEMS_PER_COLUMN and (prefixed or _FORMULA.search(window)):
            for match in _FORMULA_WITHOUT_VALUE.finditer(window):
                ref = _REF_IN_ATTRS.search(_canonical_attributes(match.group(1)))
                if ref is not None:
                    key = (int(ref.group(2)), _column_index(ref.group(1).decode()))
                    formulas.setdefault(key, (match.group(2) or b"").decode("utf-8", "replace"))
        start = window.find(b"<", max(0, len(window) - _OVERLAP))
        overlap = window[start:] if start >= 0 else b""
    shape.counted_exactly = exact
    if exact or formulas:
        shape.plain = False
    if cells_without_ref:  # placed after the last cell with a reference, in the last row tag's row
        max_row, max_col = max(max_row, row_tags), max_col + total_cells
    too_large = None
    if exact and max_row * max_col > MAX_SHEET_CELLS:
        where = location(rel, name) if name is not None else f"{rel}（工作表部件）"
        too_large = (
            f"{where}：工作表的数据区过大（从 A1 到第 {max_row} 行、第 {max_col} 列，共 {max_row * max_col} 个单元格，"
            f"上限 {MAX_SHEET_CELLS} 个），未读取。请删除远处多余的单元格（按 Ctrl+End 可定位到最后一个单元格），或把数据拆分到多个文件"
        )
    messages = []
    if unplaced:
        messages.append(
            f"{location(rel, name)}：工作表中有设置为百分比格式的数字单元格没有单元格地址，无法按显示的百分数读取；"
            "请在 Excel/WPS 中打开并保存后再检查"
        )
    if percent_cells is not None and len(percent_cells) > MAX_PERCENT_CELLS:
        messages.append(f"{location(rel, name)}：百分比格式的数字单元格超过 {MAX_PERCENT_CELLS} 个，未读取；请把这些单元格改为常规格式并填写百分数")
        percent_cells.clear()
    for n, ((row, column), text) in enumerate(sorted(formulas.items())):
        if n == MAX_PROBLEMS_PER_COLUMN:
            messages.append(f"{location(rel, name)}：另有公式单元格没有计算结果，未逐条列出")
            break
        messages.append(
            f"{location(rel, name, row)} {column_letter(column)}列：单元格是公式（={clip(text.strip(), 40)}），但文件中没有保存计算结果，"
            "读取时只能当作空白。请在 Excel/WPS 中打开并保存（保存时会计算公式），或把公式改为数值"
        )
    if too_large is None and not messages:
        return None
    return name if name is not None else "?", (too_large, messages)


MAX_PERCENT_CELLS = 1_000_000
_CELL_TAG = re.compile(rb"<c\s([^>]*)>")
_ATTR_S = re.compile(rb'\ss="([0-9]+)"')
_ATTR_T = re.compile(rb'\st="([^"]*)"')


def _percent_cells(window: bytes, styles: frozenset[int], cells: set[tuple[int, int]]) -> bool:
    """Add the numeric cells of `window` whose style shows a percentage to `cells` as (row,
    column) from 0; True if one has no reference to place it by."""
    unplaced = False
    for match in _CELL_TAG.finditer(window):
        attrs = b" " + _canonical_attributes(match.group(1))
        style = _ATTR_S.search(attrs)
        if style is None or int(style.group(1)) not in styles:
            continue
        kind = _ATTR_T.search(attrs)
        if kind is not None and kind.group(1) != b"n":  # text, boolean, error, inline string: as is
            continue
        ref = _REF_IN_ATTRS.search(attrs)
        if ref is None:
            unplaced = True
            continue
        if len(cells) <= MAX_PERCENT_CELLS:
            cells.add((int(ref.group(2)) - 1, _column_index(ref.group(1).decode())))
    return unplaced


def _shape_window(shape: SheetShape, window: bytes, exact: bool, seen: int) -> None:
    """Learn what fastsheet needs from one window; its first `seen` bytes were in the last one."""
    if exact or _ISO_DATE_CELL.search(window) or _BOOLEAN_NOT_0_1.search(window):
        shape.plain = False
        return
    if shape.dated and (
        any(marker in window for marker in _DATE_LIKE_TEXT)
        or _found((*_NEAR_MIDNIGHT, *_ESCAPED_TEXT, _HUGE_NUMBER), window)
    ):
        shape.plain = False
        return
    if not shape.in_data:
        data = window.find(b"<sheetData")
        if data < 0:
            return
        shape.in_data, window, seen = True, window[data:], 0
    if not shape.first_cell_seen:
        first = window.find(b'<c r="')
        if first >= 0:
            shape.first_cell_seen = True
            # (a comment before it could hide the cell calamine sees first)
            shape.starts_at_a1 = b"<!--" not in window[:first] and _A1_WITH_VALUE.match(window, first) is not None
    if b"mergeCell" in window:
        found = _MERGE_REF.findall(window)
        known = (b"<mergeCells>", b"<mergeCells ", b"</mergeCells>", b"<mergeCell ", b"</mergeCell>")
        if len(found) != window.count(b"<mergeCell ") or window.count(b"mergeCell") != sum(map(window.count, known)):
            shape.plain = False  # a form the pattern does not read (a namespace prefix, attributes before ref, row 0)
            return
        for match in _MERGE_REF.finditer(window, seen):
            left, top, right, bottom = match.groups()
            start = (int(top) - 1, _column_index(left.decode()))
            end = (int(bottom) - 1, _column_index(right.decode())) if right else start
            shape.merges.append((start, end))


def _contains_any(chunks: Iterator[bytes], markers: tuple[bytes, ...], patterns: tuple[re.Pattern[bytes], ...]) -> bool:
    """Whether any marker or a match of any pattern occurs in the stream (chunks overlap by 64
    bytes, longer than any marker or match)."""
    tail = b""
    for chunk in chunks:
        data = tail + chunk
        if any(m in data for m in markers) or _found(patterns, data):
            return True
        tail = data[-64:]
    return False


def _canonical_attributes(data: bytes) -> bytes:
    """`<c s='0'r = 'A1'>` as `<c s="0" r="A1">`: every attribute in the one spelling the reference
    patterns read. Quoted values are taken left to right as the XML parser takes them (so a quote
    inside another value is not mistaken for an opening one), and no existing ` r="…"` is ever
    removed: text between tags may be rewritten too, which only adds references to count (errs
    upwards). Tabs and line breaks are spaces by now."""
    if b"'" in data or b" =" in data or b"= " in data:
        data = _ATTRIBUTE_VALUE.sub(rb'="\1\2"', data)  # (an unmatched group is empty)
    if b'"r=' in data:
        data = data.replace(b'"r=', b'" r=')
    return data


def _unusual_cells(window: bytes) -> bool:
    """A cell not starting `<c r="`, or any element named `c` with a namespace prefix (<x:c>).

    Two regular-expression searches with a literal prefix: faster here than counting `<c`."""
    return _CELL_NOT_REF_FIRST.search(window) is not None or _PREFIXED_CELL.search(window) is not None


def _found(patterns: tuple[re.Pattern[bytes], ...], data: bytes) -> bool:
    return any(p.search(data) for p in patterns)


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1
