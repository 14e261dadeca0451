"""Read a plain .xlsx worksheet straight into polars text columns (fastexcel), skipping the
Python object per cell that python-calamine's `to_python` builds.

Both readers are calamine underneath, but not the same release (fastexcel 0.21 bundles calamine
0.36, python-calamine 0.9 calamine 0.37), and they turn cells into text differently. The result
must be the text the python-calamine path produces (`load._workbook_cell_text`), so this path is
taken only where the pre-scan (`workbook_scan.check_workbook`, `_book`, `_scan_sheet`) found a
sheet plain:

- the grid starts at A1 (the first cell after <sheetData> is A1 and holds a value): fastexcel
  starts at the first cell with a value, python-calamine pads from A1, and row and column
  numbers in messages depend on it;
- columns A-Z, rows below 1,000,000, no namespace-prefixed cells or merges, no ISO date cells
  (t="d"), booleans written 0 or 1, one sheet per name, one <workbookPr>, 1900 date system;
- every cell style's number format is one both releases read alike: not the East Asian
  built-in date formats 27-36 and 50-58 (dates to one, numbers to the other), not an elapsed
  time ([h]:mm, built-in 46).

When the workbook has date or time styles (`dated`), fastexcel's text for a date cell is
rewritten to python-calamine's: a whole day is a date ("2022-01-03 00:00:00" → "2022-01-03"),
a value below one day a time of day ("1899-12-31 09:36:00" → "09:36:00"), milliseconds become
microseconds. So that these rewrites can only meet date cells, such a workbook is plain only if
no text contains " 00:00:00" or "1899-12-3", no string uses rich-text runs, or character
references or _xHHHH_ escapes for a space, "-", a digit or ":" (which could hide those), and no number is within a millisecond of
midnight, in exponent form, or seven digits long (fastexcel leaves dates past 9999 empty). After
reading, a sheet with a date before 1899-12-31 or after 9999 goes to python-calamine.
Without date styles no cell is a date and nothing is rewritten.

Numbers read alike on both paths: at most nine decimals, as Excel shows them. Merged cells come
from the pre-scan, which reads them from the sheet XML. The remaining difference: a text cell
holding exactly "YYYY-MM-DD HH:MM:SS.fff" in a workbook with date styles gains three zeros (the
same instant when parsed).

`tests/test_fastsheet.py` compares both paths on generated workbooks and on every built-in
number format, so that a new release of either reader that reads a format differently fails there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl


def open_reader(file: Path) -> Any | None:
    """fastexcel's reader for the workbook, or None (not installed, or it cannot open the file:
    python-calamine then reads every sheet and reports the problem as usual)."""
    try:
        import fastexcel

        return fastexcel.read_excel(str(file))
    except Exception:  # any failure only means the slower path
        return None


def read_sheet(reader: Any, name: str, *, dated: bool, loaded: Any = None) -> pl.DataFrame | None:
    """The sheet as String columns c0, c1, … (row 0 = spreadsheet row 1), None for empty cells;
    None if fastexcel fails on it or it holds a date python-calamine reads otherwise. `dated`:
    the workbook has date or time styles (else no cell can be a date and nothing is rewritten).
    `loaded`: the same sheet already read by `scan_ahead` (the call below, made earlier)."""
    try:
        sheet = loaded if loaded is not None else reader.load_sheet(name, header_row=None, dtypes="string")
        frame = sheet.to_polars()
    except Exception:  # python-calamine reads it instead and reports what is wrong
        return None
    if frame.width == 0:
        return None
    frame = frame.select(pl.col(c).cast(pl.String).alias(f"c{i}") for i, c in enumerate(frame.columns))
    if not dated:
        return frame.with_columns(_blank_as_null(pl.col(c)).alias(c) for c in frame.columns)
    flags = frame.select(
        *(pl.col(c).str.contains(_DATE_TIME).any().alias(c) for c in frame.columns),
        pl.any_horizontal(pl.col(c).str.contains(_OTHER_DATES).any() for c in frame.columns).alias("other"),
    ).row(0, named=True)
    if flags.pop("other"):
        return None
    return frame.with_columns(_as_calamine_text(pl.col(c), dated=flags[c]).alias(c) for c in frame.columns)


# fastexcel's text for a date-formatted cell; python-calamine's differs only for whole days,
# times of day and fractions of a second.
_DATE_TIME = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
# A date python-calamine does not read as fastexcel writes it: before 1899-12-31 (a negative
# serial), after 9999 ("+57260-…"), or an ISO date cell (also refused by the pre-scan). Such a
# sheet goes to python-calamine. (Text like this only costs the faster path.)
_OTHER_DATES = r"^(?:\+|\d{5,}-|\d{4}-\d{2}-\d{2}T|1[0-7]\d\d-|18[0-8]\d-|1899-(?:0\d|1[01])-|1899-12-(?:[0-2]\d|30))"
_MILLIS = r"^((?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2}\.\d{3})$"


def _blank_as_null(cell: pl.Expr) -> pl.Expr:
    return pl.when(cell == "").then(None).otherwise(cell)


def _as_calamine_text(cell: pl.Expr, *, dated: bool) -> pl.Expr:
    cell = _blank_as_null(cell)
    if not dated:
        return cell
    cell = pl.when(cell.str.starts_with("1899-12-31 ")).then(cell.str.slice(11)).otherwise(cell)
    cell = pl.when(cell.str.ends_with(" 00:00:00") & (cell.str.len_bytes() == 19)).then(cell.str.slice(0, 10)).otherwise(cell)
    return cell.str.replace(_MILLIS, "${1}000")
