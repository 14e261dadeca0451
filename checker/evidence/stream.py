"""Large CSV ledgers in batches: a city's ten million records without ten million rows of text.

The whole-file path (`load._read_csv`) holds the file's bytes, a padded copy and every cell as
text at once: about 6 GB at peak for 10M consultations. Here polars scans the file itself in
batches (quotes spanning lines, a UTF-8 BOM and short rows handled by its reader), and each batch
goes through exactly the code the whole-file path uses — `_with_header` for row numbers, blank
rows and ragged rows, `type_table` for every cell — after which only its typed columns are kept.

A batch is never where an error message is made: the moment any batch has a problem (a bad
cell, a ragged row, bytes that are not UTF-8), the file is handed back to the whole-file path,
which reports every problem in the file in its usual words and order. Streaming therefore
changes memory and nothing else; a test holds the typed frame and the messages to that.
"""

from __future__ import annotations

import codecs
import threading
from pathlib import Path

import polars as pl

from checker.errors import EvidenceError
from checker.evidence import load

# Files at least this large are read in batches (smaller ones are faster in one piece).
STREAM_BYTES = 256 * 1024 * 1024
BATCH_ROWS = 1_000_000
_HEAD_BYTES = 65536


def stream_csv(file: Path, rel: str, kind: str, stop: threading.Event | None = None) -> tuple[load.SourceTable, pl.DataFrame] | None:
    """The file's header table (for its metadata) and its typed frame, or None when the file
    must go through the whole-file path (not plain UTF-8, or any problem anywhere in it)."""
    with file.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    bom = head.startswith(codecs.BOM_UTF8)
    if bom:
        head = head[len(codecs.BOM_UTF8) :]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None  # GBK, UTF-16 …: the whole-file path converts them
    if not head.strip() or (b"\n" not in head and b"\r" in head):
        return None  # (CR-only line ends: the whole-file path reads them)
    separator = load.guess_separator(head)
    width = max((len(r) for r in load._head_records(head, separator)), default=1) + load.CSV_SPARE_COLUMNS
    names = [f"c{i}" for i in range(width)]
    scan = pl.scan_csv(
        file,
        has_header=False,
        separator=separator,
        schema=dict.fromkeys(names, pl.String),
        missing_columns="insert",
        truncate_ragged_lines=False,
        raise_if_empty=False,
        encoding="utf8",
    )
    header: pl.DataFrame | None = None
    meta: load.SourceTable | None = None
    typed: list[pl.DataFrame] = []
    start = 0
    try:
        for batch in scan.collect_batches(chunk_size=BATCH_ROWS):
            if stop is not None and stop.is_set():
                raise load.LoadStopped
            if batch.height == 0:
                continue
            if meta is None:
                table = load._with_header(batch, kind, rel, None, "UTF-8 (BOM)" if bom else "UTF-8", first_row=1)
                meta = table
                header = batch.slice(table.header_row - 1, 1)
            else:
                assert header is not None
                # The header record first, numbered so that the batch keeps its own row numbers.
                table = load._with_header(pl.concat([header, batch]), kind, rel, None, meta.encoding, first_row=start)
                table = load.SourceTable(kind, rel, None, table.frame, meta.encoding, meta.header_row)
            if batch.select(pl.any_horizontal(pl.col(pl.String).str.contains("\x00", literal=True).any())).item():
                return None  # a NUL byte: the whole-file path refuses the file and says where
            frame, problems = load.type_table(table)
            if problems or frame is None:
                return None
            typed.append(frame)
            start += batch.height
    except (EvidenceError, pl.exceptions.PolarsError):
        return None
    if meta is None or not typed:
        return None
    return meta, pl.concat(typed, rechunk=False) if len(typed) > 1 else typed[0]  # no copy
