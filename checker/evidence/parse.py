"""Columnar parsing of evidence cells typed by people: dates, booleans, enums, numbers.

Every function takes a String column and returns the parsed column; a cell that is non-empty
but parses to null is a problem the caller reports with its file, row and column. Nothing here
loops over rows in Python.
"""

from __future__ import annotations

import polars as pl

from checker.evidence.schema import BOOL_FALSE, BOOL_TRUE, FieldSpec

EXCEL_EPOCH = pl.datetime(1899, 12, 30)
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
# Excel serial day numbers from 1950 to 2099; a bare number outside that range is no date.
_SERIAL_MIN, _SERIAL_MAX = 18264, 73051

DATE_HINT = "应为 2022-03-05、2022/3/5、2022.3.5 或 2022年3月5日 等格式，可带时间 14:30 或 14时30分"


def blank(col: pl.Expr) -> pl.Expr:
    """True where a cell holds nothing but white space (or is null)."""
    return col.is_null() | (col.str.strip_chars() == "")


def clean(col: pl.Expr) -> pl.Expr:
    """Trim white space (incl. full-width) and turn empty cells into null."""
    stripped = col.str.strip_chars(" \t\r\n\u3000\u00a0")
    return pl.when(stripped == "").then(None).otherwise(stripped)


def parse_datetime(col: pl.Expr) -> pl.Expr:
    """Dates as people type them, to a naive local (Asia/Shanghai) Datetime."""
    text = clean(col)
    normalised = (
        text.str.replace_all("：", ":")
        .str.replace_all(r"[年月/.]", "-")
        .str.replace_all("日", " ")
        .str.replace_all("时", ":")
        .str.replace_all("分", ":")
        .str.replace_all("秒", "")
        .str.replace_all("T", " ")
        .str.replace_all(r":\s*$", "")
        .str.replace_all(r":(\s)", "$1")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    parsed = [normalised.str.to_datetime(fmt, strict=False, time_unit="us") for fmt in _DATETIME_FORMATS]
    is_serial = text.str.contains(r"^\d{5}(\.\d+)?$")
    serial = text.cast(pl.Float64, strict=False)
    from_serial = (
        pl.when(is_serial & serial.is_between(_SERIAL_MIN, _SERIAL_MAX))
        .then(EXCEL_EPOCH + pl.duration(microseconds=(serial * 86_400_000_000).round(0).cast(pl.Int64)))
        .otherwise(None)
    )
    # A serial-looking cell must not fall through to the text parsers ("44927.5" is no date text).
    return pl.when(is_serial).then(from_serial).otherwise(pl.coalesce(parsed))


def parse_date(col: pl.Expr) -> pl.Expr:
    return parse_datetime(col).dt.date()


def parse_bool(col: pl.Expr) -> pl.Expr:
    text = clean(col).str.to_lowercase()
    return (
        pl.when(text.is_in(list(BOOL_TRUE)))
        .then(True)
        .when(text.is_in(list(BOOL_FALSE)))
        .then(False)
        .otherwise(None)
    )


def parse_enum(col: pl.Expr, spec: FieldSpec) -> pl.Expr:
    """English value or Chinese label → English value."""
    mapping: dict[str, str] = {}
    for value, label in spec.values:
        mapping[value] = value
        mapping[value.lower()] = value
        mapping[label] = value
    text = clean(col)
    return text.replace_strict(mapping, default=None, return_dtype=pl.String)


def parse_year(col: pl.Expr) -> pl.Expr:
    text = clean(col).str.replace(r"(年度|年)$", "").str.replace(r"\.0+$", "")
    year = text.cast(pl.Int32, strict=False)
    return pl.when(year.is_between(1900, 2200)).then(year).otherwise(None)


def parse_int(col: pl.Expr) -> pl.Expr:
    return clean(col).str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)


def parse_float(col: pl.Expr) -> pl.Expr:
    return clean(col).str.replace(r"[%％]$", "").str.replace_all(",", "").cast(pl.Float64, strict=False)


def parse_field(col: pl.Expr, spec: FieldSpec) -> pl.Expr:
    match spec.type:
        case "datetime":
            return parse_datetime(col)
        case "date":
            return parse_date(col)
        case "bool":
            return parse_bool(col)
        case "enum":
            return parse_enum(col, spec)
        case "year":
            return parse_year(col)
        case "int":
            return parse_int(col)
        case "float":
            return parse_float(col)
        case _:
            return clean(col)


def problem_text(spec: FieldSpec, raw: str) -> str:
    """The Chinese complaint for a cell of this field that did not parse."""
    match spec.type:
        case "datetime" | "date":
            return f"无法识别的日期 “{raw}”（{DATE_HINT}；日期须真实存在，时间不超过 23:59）"
        case "bool":
            return f"无法识别的是/否值 “{raw}”（应为 是/否、true/false、1/0 或 √/×）"
        case "enum":
            allowed = "、".join(f"{label}（{value}）" for value, label in spec.values)
            return f"未知的取值 “{raw}”（可选：{allowed}）"
        case "year":
            return f"无法识别的年度 “{raw}”（应为四位年份，如 2022）"
        case "int":
            return f"无法识别的整数 “{raw}”"
        case "float":
            return f"无法识别的数值 “{raw}”"
        case _:
            return f"无法识别的值 “{raw}”"
