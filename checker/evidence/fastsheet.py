"""Read a plain .xlsx worksheet straight into polars text columns (fastexcel), skipping the
Python object per cell that python-calamine's `to_python` builds.

Both readers are calamine underneath; they differ only in how a cell becomes text. The result
must be the text the python-calamine path produces (`load._workbook_cell_text`), so this path is
taken only where the pre-scan (`load._scan_sheet`, `load.check_workbook`) found a sheet plain:

- the grid starts at A1 (A1 holds a value): fastexcel starts at the first cell with a value,
  python-calamine pads from A1, and row and column numbers in messages depend on it;
- columns A-Z, rows below 1,000,000, no namespace-prefixed cells or merges;
- no text anywhere in the workbook contains " 00:00:00" or "1899-12-3", so that the rewrites
  below can only meet dates and times from date-formatted cells;
- the workbook uses the 1900 date system and no elapsed-time format ([h]:mm …), which
  python-calamine reads as a duration and fastexcel as a date.

After reading, a sheet holding an ISO date cell or a date before 1899-12-31 (a negative serial)
goes to python-calamine too (`_OTHER_DATES`). fastexcel's text for a date-formatted cell
("2022-01-03 00:00:00", "1899-12-31 09:36:00", "… 09:30:15.500") is rewritten to
python-calamine's (a whole day is a date, a value below one day a time of day, fractions of a
second in microseconds); numbers are already alike (at most nine decimals, as Excel shows them,
on both paths). Merged cells come from the pre-scan, which reads them from the sheet XML.
Known remaining differences: a text cell holding exactly "YYYY-MM-DD HH:MM:SS.fff" in a column
with dates gains three zeros (the same instant when parsed); a date cell a fraction of a
millisecond after midnight (formula noise) reads as a date rather than a date and time.

`tests/test_fastsheet.py` compares both paths on generated workbooks.
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


def read_sheet(reader: Any, name: str) -> pl.DataFrame | None:
    """The sheet as String columns c0, c1, … (row 0 = spreadsheet row 1), None for empty cells;
    None if fastexcel fails on it or it holds a date python-calamine reads otherwise."""
    try:
        frame = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
    except Exception:  # python-calamine reads it instead and reports what is wrong
        return None
    if frame.width == 0:
        return None
    frame = frame.select(pl.col(c).cast(pl.String).alias(f"c{i}") for i, c in enumerate(frame.columns))
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
# An ISO date cell (t="d"), which python-calamine turns into a date and fastexcel keeps as
# written, or a negative serial (before 1899-12-31), which python-calamine does not read as a
# date: such a sheet goes to python-calamine. (Text like this only costs the faster path.)
_OTHER_DATES = r"^(?:\d{4}-\d{2}-\d{2}T|1[0-7]\d\d-|18[0-8]\d-|1899-(?:0\d|1[01])-|1899-12-(?:[0-2]\d|30))"
_MILLIS = r"^((?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2}\.\d{3})$"


def _as_calamine_text(cell: pl.Expr, *, dated: bool) -> pl.Expr:
    cell = pl.when(cell == "").then(None).otherwise(cell)
    if not dated:
        return cell
    cell = pl.when(cell.str.starts_with("1899-12-31 ")).then(cell.str.slice(11)).otherwise(cell)
    cell = pl.when(cell.str.ends_with(" 00:00:00") & (cell.str.len_bytes() == 19)).then(cell.str.slice(0, 10)).otherwise(cell)
    return cell.str.replace(_MILLIS, "${1}000")
