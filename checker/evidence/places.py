"""How evidence messages name a place (file, sheet, row, column) and quote a cell.

Import-light (no polars), so that the workbook pre-scan can run in a helper process before the
rest of the checker is imported (`checker.evidence.scan_ahead`).
"""

from __future__ import annotations

MAX_PROBLEMS_PER_COLUMN = 20  # messages of one kind per column (or sheet) before "另有 …"


def location(file: str, sheet: str | None, row: int | None = None, column: str | None = None, letter: str | None = None) -> str:
    """`consultations.csv 第5行 C列（收到时间）` — how every evidence message names its place.

    YAML rows are the lines where records start; JSON has no rows to point at, so its records
    are counted (`第3条记录`); in both a column is a key (`字段“received_at”`).
    """
    name = file.lower()
    text = file if sheet is None else f"{file} [{sheet}]"
    if row is not None:
        text += f" 第{row}条记录" if name.endswith(".json") else f" 第{row}行"
    if column is not None:
        if letter:
            text += f" {letter}列（{column}）"
        elif name.endswith((".json", ".yaml", ".yml")):
            text += f" 字段“{column}”"
        else:
            text += f" “{column}”列"
    return text


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters



def mb(size: int) -> str:
    return f"{-(-size // (1024 * 1024))} MB"


def clip(text: str, limit: int = 60) -> str:
    """A cell or header as quoted in a message: long text cut short, with its length."""
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text)} 个字符）"

