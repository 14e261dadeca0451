"""Columnar parsing of evidence cells typed by people: dates, booleans, enums, numbers.

`parse_series` takes a String column and returns the parsed column; a cell that is non-empty
but parses to null is a problem the caller reports with its file, row and column. Nothing here
loops over rows in Python.

Speed matters (a million consultations should load in about a second), so the series path
takes shortcuts that give the same answers as the full expressions: a date column is first
read with the one strict format most of its cells use, and only the cells that format missed
go through the lenient normaliser; enum and yes/no cells are parsed once per distinct value.
The expression functions (`parse_datetime` …) are the reference and serve small inputs.
"""

from __future__ import annotations

import re

import polars as pl

from checker.evidence.schema import BOOL_FALSE, BOOL_TRUE, FieldSpec

EXCEL_EPOCH = pl.datetime(1899, 12, 30)
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
# Strict formats tried as they are on the raw cells: what Excel, WPS and most systems write.
_FAST_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)
_SNIFF_ROWS = 200
# Excel serial day numbers from 1950 to 2099; a bare number outside that range is no date.
_SERIAL_MIN, _SERIAL_MAX = 18264, 73051
# A typed year outside this range is a typo ("22-3-5" would otherwise be the year 22).
_YEAR_MIN, _YEAR_MAX = 1900, 2200
# 2022-03-05, 2022/3/5, 2022.3.5, 2022年3月5日 (only the date part: "14:30:15.5" keeps its dot).
_DATE_PART = r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*[日号]?"
_OFFSET = r"\d:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$"
# A UTC offset is taken only in the forms exports write it: ISO with "T" (2022-03-05T14:30+08:00)
# or a time with seconds (2022-03-05 14:30:00+08:00). A ledger's 14:00-16:00 is a time range,
# and read as an offset it moved a training from 10-31 to 11-01 (UTC−16): it is refused instead.
_OFFSET_WITH_SECONDS = r"\d:\d{2}:\d{2}(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})$"

DATE_HINT = "应为 2022-03-05、2022/3/5、2022.3.5 或 2022年3月5日 等格式，可带时间 14:30 或 14时30分"


def blank(col: pl.Expr) -> pl.Expr:
    """True where a cell holds nothing but white space (or is null): exactly where `clean` gives
    null, since both take Unicode's White_Space (full-width and no-break spaces included).
    Every field parser starts from `clean`, so a blank cell never parses to a value."""
    return col.is_null() | ~col.str.contains(r"\S")


# Characters that show as nothing: zero-width space/joiners, word joiner, a BOM inside a cell,
# the emoji variation selector (✔️ from a phone keyboard). Pasted from web pages and chats, they
# made 指挥处 and 指挥处\u200b two departments and ZC-1\u200b no match for ZC-1.
_INVISIBLE = "[\u200b-\u200d\u2060\ufeff\ufe0f]"


INVISIBLE_ID_ROWS = 200_000


def visible(col: pl.Expr) -> pl.Expr:
    """The text without invisible characters (text cells and the few distinct values of choice
    fields; not in `clean`, which every blank test and date parse runs on every cell)."""
    return pl.when(col.str.contains(_INVISIBLE)).then(col.str.replace_all(_INVISIBLE, "")).otherwise(col)


def clean(col: pl.Expr) -> pl.Expr:
    """Trim white space (Unicode's, incl. full-width and no-break) and turn empty cells into null."""
    stripped = col.str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


_FULL_WIDTH, _HALF_WIDTH = list("０１２３４５６７８９．－／＋"), list("0123456789.-/+")


def half_width(text: pl.Expr) -> pl.Expr:
    """Full-width digits and signs as ASCII: ２０２２年５月６日 and ４.５ are what a Chinese input
    method types, and read exactly like 2022年5月6日 and 4.5."""
    return text.str.replace_many(_FULL_WIDTH, _HALF_WIDTH)


# --------------------------------------------------------------------------- dates
def normalise_datetime_text(text: pl.Expr) -> pl.Expr:
    """Cleaned date text → `2022-3-5 14:30` shape (dates in 年月日, times in 时分秒, full-width
    digits and colons)."""
    return (
        half_width(text)
        .str.replace_all("：", ":", literal=True)
        .str.replace(_DATE_PART, "${1}-${2}-${3} ")
        .str.replace(r"^(\d{4}-\d{1,2}-\d{1,2}) *T", "${1} ")
        .str.replace_all(r"\s*([时分秒:])\s*", "${1}")
        .str.replace_all("时", ":", literal=True)
        .str.replace_all("分", ":", literal=True)
        .str.replace_all("秒", "", literal=True)
        .str.replace_all(r":\s*$", "")
        .str.replace_all(r":(\s)", "$1")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.replace(r"^(\d{4}-\d{1,2}-\d{1,2}) (\d{1,2})$", "${1} ${2}:00")  # 14时
    )


def datetime_from_normalised(normalised: pl.Expr, text: pl.Expr) -> pl.Expr:
    """The lenient reading, given the normalised text and the cleaned original."""
    parsed = [normalised.str.to_datetime(fmt, strict=False, time_unit="us") for fmt in _DATETIME_FORMATS]
    has_offset = normalised.str.contains(_OFFSET_WITH_SECONDS) | (text.str.contains(r"\dT\d") & normalised.str.contains(_OFFSET))
    offset_text = normalised.str.replace(r"\s*Z$", "+00:00").str.replace(r"\s+([+-])", "${1}").str.replace(r"^(\S+) ", "${1}T")
    with_offset = (
        pl.coalesce(
            offset_text.str.to_datetime(fmt, strict=False, time_unit="us", time_zone="UTC")
            for fmt in ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z")
        )
        .dt.convert_time_zone("Asia/Shanghai")
        .dt.replace_time_zone(None)
    )
    is_serial = text.str.contains(r"^\d{5}(\.\d+)?$")
    serial = text.cast(pl.Float64, strict=False)
    from_serial = (
        pl.when(is_serial & serial.is_between(_SERIAL_MIN, _SERIAL_MAX))
        # Rounded to the second: a serial's binary fraction is never exactly 14:30.
        .then(EXCEL_EPOCH + pl.duration(seconds=(serial * 86_400).round(0).cast(pl.Int64)))
        .otherwise(None)
    )
    # A serial-looking cell must not fall through to the text parsers ("44927.5" is no date text).
    moment = pl.when(is_serial).then(from_serial).when(has_offset).then(with_offset).otherwise(pl.coalesce(parsed))
    return _plausible(pl.when(_leap_second(normalised)).then(None).otherwise(moment))


def _leap_second(text: pl.Expr) -> pl.Expr:
    """True where a time has 60 seconds: the parser would roll 23:59:60 over into the next day,
    and Beijing time has no leap seconds (a 60th minute is already refused by the parser)."""
    return text.str.contains(":60", literal=True)


def _plausible(moment: pl.Expr) -> pl.Expr:
    return pl.when(moment.dt.year().is_between(_YEAR_MIN, _YEAR_MAX)).then(moment).otherwise(None)


def parse_datetime(col: pl.Expr) -> pl.Expr:
    """Dates as people type them, to a naive local (Asia/Shanghai) Datetime.

    Accepted: 2022-03-05, 2022/3/5, 2022.3.5, 2022年3月5日 (also 5号), each with an optional time
    14:30, 14:30:15, 14时30分, 14时; ISO 8601 with T and a UTC offset (converted to Beijing
    time); Excel serial day numbers (44625, 44625.5) as CSV exports of date cells hold them.
    """
    text = clean(col)
    return datetime_from_normalised(normalise_datetime_text(text), text)


def parse_date(col: pl.Expr) -> pl.Expr:
    return parse_datetime(col).dt.date()


def parse_datetime_series(raw: pl.Series) -> pl.Series:
    """`parse_datetime` for a whole column, fast: one strict format for most cells, the lenient
    normaliser (in stages, so polars computes each step once) only for the rest."""
    frame = raw.rename("raw").to_frame()
    sample = raw.drop_nulls().head(_SNIFF_ROWS).to_frame("raw").select(clean(pl.col("raw"))).to_series().drop_nulls()
    if sample.len() == 0 and raw.null_count() == raw.len():
        return pl.Series(raw.name, [None] * raw.len(), dtype=pl.Datetime("us"))
    fmt = max(_FAST_FORMATS, key=lambda f: sample.str.to_datetime(f, strict=False, time_unit="us").null_count() * -1)
    # The strict format on the cells as they are: a cell with spaces around it misses here and
    # is cleaned on the slow path, like every other cell the format does not fit.
    moment = pl.col("raw").str.to_datetime(fmt, strict=False, time_unit="us")
    if "%S" in fmt:
        moment = pl.when(_leap_second(pl.col("raw"))).then(None).otherwise(moment)
    fast = frame.select(_plausible(moment).alias("v")).get_column("v")
    missed = raw.is_not_null() & fast.is_null()
    if missed.any():
        rest = frame.filter(missed).select(clean(pl.col("raw")).alias("text"))
        rest = rest.with_columns(normalise_datetime_text(pl.col("text")).alias("norm"))
        slow = rest.select(datetime_from_normalised(pl.col("norm"), pl.col("text"))).to_series()
        fast = fast.scatter(missed.arg_true(), slow)
    return fast.rename(raw.name)


# --------------------------------------------------------------------------- other types
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
    return enum_key(col).replace_strict(enum_lookup(spec), default=None, return_dtype=pl.String)


def enum_key(col: pl.Expr) -> pl.Expr:
    """Cells compared without white space or letter case: "Online_Platform", "12345 热线"."""
    return clean(col).str.replace_all(r"\s", "").str.to_lowercase()


def enum_lookup(spec: FieldSpec) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value, label in spec.values:
        for key in (value, label):
            mapping["".join(key.split()).lower()] = value
    return mapping


def parse_year(col: pl.Expr) -> pl.Expr:
    text = half_width(clean(col)).str.replace(r"\s*(年度|年)$", "").str.replace(r"\.0+$", "")
    year = text.cast(pl.Int32, strict=False)
    return pl.when(year.is_between(_YEAR_MIN, _YEAR_MAX)).then(year).otherwise(None)


def parse_int(col: pl.Expr) -> pl.Expr:
    """A whole number ("12.0" from a spreadsheet too); commas only as thousands separators."""
    return _thousands(half_width(clean(col)).str.replace(r"\.0+$", "")).cast(pl.Int64, strict=False)


def _thousands(text: pl.Expr) -> pl.Expr:
    """Thousands separators removed (1,234.5); any other comma (4,5: a decimal comma or a typo,
    which read as 45 would be a silent error) makes the cell unreadable."""
    grouped = text.str.contains(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
    return pl.when(text.str.contains(",", literal=True) & ~grouped).then(None).otherwise(text.str.replace_all(",", "", literal=True))


def parse_float(col: pl.Expr) -> pl.Expr:
    """A finite number; "4.5%" is 4.5; commas only as thousands separators. NaN and infinity
    ("nan", "inf", which the cast accepts) are not values a ledger can mean: unreadable."""
    value = _thousands(half_width(clean(col)).str.replace(r"\s*[%％]$", "")).cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value).otherwise(None)


def parse_field(col: pl.Expr, spec: FieldSpec) -> pl.Expr:
    """The reference reading of one field's cells, as an expression."""
    match spec.type:
        case "datetime":
            return parse_datetime(col)
        case "date":
            return parse_date(col)
        case "bool":
            return parse_bool(visible(col))
        case "enum":
            return parse_enum(visible(col), spec)
        case "year":
            return parse_year(visible(col))
        case "int":
            return parse_int(col)
        case "float":
            return parse_float(col)
        case _:
            return _text(visible(col), spec)


def _text(col: pl.Expr, spec: FieldSpec) -> pl.Expr:
    text = _lf_line_breaks(clean(col))
    if spec.values:  # an open set with known codes: a known Chinese name is read as its code
        text = text.replace({label: value for value, label in spec.values})
    return text


def _lf_line_breaks(text: pl.Expr) -> pl.Expr:
    """Line breaks inside a text cell as LF: a multi-line cell of a CRLF file holds CR LF, which a
    browser (and Excel) shows as one break, so the same department would be two names."""
    return pl.when(text.str.contains("\r", literal=True)).then(text.str.replace_all("\r\n", "\n", literal=True).str.replace_all("\r", "\n", literal=True)).otherwise(text)


def parse_series(raw: pl.Series, spec: FieldSpec) -> pl.Series:
    """`parse_field` for a whole column, taking the fast paths described above."""
    match spec.type:
        case "datetime":
            return parse_datetime_series(raw)
        case "date":
            return parse_datetime_series(raw).dt.date()
        case "bool" | "enum" | "year":
            # Few distinct values in a column of many rows: parse each once, then map back.
            distinct = raw.unique().drop_nulls()
            parsed = distinct.to_frame("raw").select(parse_field(pl.col("raw"), spec)).to_series()
            return raw.replace_strict(distinct, parsed, default=None, return_dtype=parsed.dtype).rename(raw.name)
        case "text":
            # One test per column (when/then would compute the replacement for every cell); a
            # department column is tested on its few distinct names. The ids of a ledger of more
            # than INVISIBLE_ID_ROWS rows (a system export, not typed) are not tested: on 1M rows
            # the test costs 0.03 s, and a stray character there shows as an unknown reference.
            probe = raw.unique() if spec.name == "department" else raw
            if (spec.name != "id" or raw.len() <= INVISIBLE_ID_ROWS) and probe.str.contains(_INVISIBLE).any():
                raw = raw.str.replace_all(_INVISIBLE, "")
            return raw.to_frame("raw").select(_text(pl.col("raw"), spec)).to_series().rename(raw.name)
        case _:
            return raw.to_frame("raw").select(parse_field(pl.col("raw"), spec)).to_series().rename(raw.name)


def problem_text(spec: FieldSpec, raw: str) -> str:
    """The Chinese complaint for a cell of this field that did not parse."""
    match spec.type:
        case "datetime" | "date":
            if re.search(r"\d:\d{2}\s*[-－~～至]\s*\d{1,2}:\d{2}$", raw):
                return f"无法识别的日期 “{raw}”（这是一个时间段，请只填开始时间，如 {raw.split(':')[0]}:{raw.split(':')[1][:2]}；结束时间可写在备注中）"
            return f"无法识别的日期 “{raw}”（{DATE_HINT}；日期须真实存在，时间不超过 23:59）"
        case "bool":
            return f"无法识别的是/否值 “{raw}”（应为 是/否、true/false、1/0 或 √/×）"
        case "enum":
            allowed = "、".join(f"{label}（{value}）" for value, label in spec.values)
            return f"未知的取值 “{raw}”（可选：{allowed}）"
        case "year":
            return f"无法识别的年度 “{raw}”（应为四位年份，如 2022）"
        case "int":
            return f"无法识别的整数 “{raw}”（应为整数，如 12；千位分隔符只能写作 1,234）"
        case "float":
            return f"无法识别的数值 “{raw}”（应为数字，如 4.5；百分比可写作 4.5%；千位分隔符只能写作 1,234）"
        case _:
            return f"无法识别的值 “{raw}”"
