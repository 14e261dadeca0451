"""Cells as people type them: dates, yes/no, enum labels, years and numbers.

Each table is run through both readings: the reference expression (`parse_field`) and the fast
column path the loader uses (`parse_series`); they must agree cell for cell.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from checker.evidence import parse
from checker.evidence.schema import KINDS, FieldSpec

RECEIVED = KINDS["consultation"].field("received_at")  # datetime
ISSUED = KINDS["decision"].field("issued_at")  # date
EXTENDED = KINDS["foi_request"].field("extended")  # bool
CHANNEL = KINDS["consultation"].field("channel")  # enum
COVERS = KINDS["publication"].field("covers_year")  # year
VALUE = KINDS["fact"].field("value")  # float

D = dt.datetime

DATETIMES = [
    ("2022-03-05", D(2022, 3, 5)),
    ("2022/3/5", D(2022, 3, 5)),
    ("2022.3.5", D(2022, 3, 5)),
    ("2022年3月5日", D(2022, 3, 5)),
    ("2022年3月5号", D(2022, 3, 5)),
    ("2022-3-5", D(2022, 3, 5)),
    ("2022/03/05", D(2022, 3, 5)),
    ("2022-03-05 14:30", D(2022, 3, 5, 14, 30)),
    ("2022/3/5 14:30", D(2022, 3, 5, 14, 30)),
    ("2022/3/5 9:05", D(2022, 3, 5, 9, 5)),
    ("2022.3.5 14:30", D(2022, 3, 5, 14, 30)),
    ("2022年3月5日 14:30", D(2022, 3, 5, 14, 30)),
    ("2022年3月5日14:30", D(2022, 3, 5, 14, 30)),
    ("2022年3月5日 14时30分", D(2022, 3, 5, 14, 30)),
    ("2022年3月5日14时30分", D(2022, 3, 5, 14, 30)),
    ("2022 年 3 月 5 日 14 时 30 分", D(2022, 3, 5, 14, 30)),
    ("2022年3月5日14时", D(2022, 3, 5, 14)),
    ("2022年3月5日 14时30分15秒", D(2022, 3, 5, 14, 30, 15)),
    ("2022-03-05 14：30", D(2022, 3, 5, 14, 30)),  # full-width colon
    ("2022-03-05 14:30:15", D(2022, 3, 5, 14, 30, 15)),
    ("2022-03-05 14:30:15.5", D(2022, 3, 5, 14, 30, 15, 500000)),
    ("2022-03-05T14:30:00", D(2022, 3, 5, 14, 30)),
    ("2022-03-05T14:30:00+08:00", D(2022, 3, 5, 14, 30)),
    ("2022-03-05T06:30:00Z", D(2022, 3, 5, 14, 30)),  # UTC → Beijing time
    ("44625", D(2022, 3, 5)),  # Excel serial day
    ("44625.5", D(2022, 3, 5, 12)),
    ("44625.604166667", D(2022, 3, 5, 14, 30)),
    ("  2022-03-05\u3000", D(2022, 3, 5)),  # white space, incl. full-width
    # Not dates: each is reported, never guessed.
    ("2022-02-30", None),
    ("2022-13-05", None),
    ("2022-03-05 24:00", None),
    ("2022-03-05 14:60", None),
    ("22-3-5", None),
    ("0022-03-05", None),
    ("3/5/2022", None),
    ("20220305", None),
    ("2022年3月", None),
    ("12345", None),  # a five-digit number before 1950 is no serial date
    ("明天", None),
    ("2022-03-05x", None),
]


def _both(cells: list[str | None], spec: FieldSpec) -> tuple[list[object], list[object]]:
    series = pl.Series("x", cells, dtype=pl.String)
    reference = series.to_frame().select(parse.parse_field(pl.col("x"), spec)).to_series().to_list()
    fast = parse.parse_series(series, spec).to_list()
    return reference, fast


@pytest.mark.parametrize(("text", "expected"), DATETIMES, ids=[t for t, _ in DATETIMES])
def test_datetime_spellings(text: str, expected: dt.datetime | None) -> None:
    reference, fast = _both([text], RECEIVED)
    assert reference == [expected]
    assert fast == [expected]


def test_datetime_column_of_mixed_spellings_matches_cell_by_cell() -> None:
    """The fast path picks one strict format for the column; the rest must still parse alike."""
    cells = [text for text, _ in DATETIMES] + [None, "", "2022/3/5 14:30"] * 3
    reference, fast = _both(cells, RECEIVED)
    assert fast == reference
    assert reference[: len(DATETIMES)] == [expected for _, expected in DATETIMES]


def test_date_fields_drop_the_time() -> None:
    reference, fast = _both(["2022年3月5日 14时30分", "44625", "2022/3/5"], ISSUED)
    assert reference == fast == [dt.date(2022, 3, 5)] * 3


BOOLS = [
    ("是", True), ("否", False), ("true", True), ("FALSE", False), ("True", True), ("1", True), ("0", False),
    ("√", True), ("×", False), ("Y", True), ("n", False), ("yes", True), ("no", False), (" 是 ", True),
    ("有", True), ("无", False), ("已", True), ("未", False),
    ("也许", None), ("2", None), ("是的", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), BOOLS, ids=[t for t, _ in BOOLS])
def test_yes_no_spellings(text: str, expected: bool | None) -> None:
    assert _both([text], EXTENDED) == ([expected], [expected])


ENUMS = [
    ("网上咨询求助平台", "online_platform"),
    ("online_platform", "online_platform"),
    ("Online_Platform", "online_platform"),
    ("12345热线", "hotline_12345"),
    ("12345 热线", "hotline_12345"),
    ("领导信箱", "mailbox"),
    ("网站留言", "website"),
    ("电话", None),
    ("12345", None),
]


@pytest.mark.parametrize(("text", "expected"), ENUMS, ids=[t for t, _ in ENUMS])
def test_enum_cells_hold_the_value_or_the_chinese_label(text: str, expected: str | None) -> None:
    assert _both([text], CHANNEL) == ([expected], [expected])


def test_every_enum_label_and_value_of_every_kind_parses() -> None:
    for spec in KINDS.values():
        for f in spec.fields:
            if f.type != "enum":
                continue
            cells = [label for _, label in f.values] + [value for value, _ in f.values]
            expected = [value for value, _ in f.values] * 2
            assert _both(cells, f) == (expected, expected), f.name


@pytest.mark.parametrize(
    ("text", "expected"), [("2021", 2021), ("2021年", 2021), ("2021年度", 2021), ("2021.0", 2021), ("21", None), ("二〇二一", None)]
)
def test_year_cells(text: str, expected: int | None) -> None:
    assert _both([text], COVERS) == ([expected], [expected])


@pytest.mark.parametrize(("text", "expected"), [("4.5", 4.5), ("4.5%", 4.5), ("5 %", 5.0), ("1,200", 1200.0), ("四", None)])
def test_number_cells(text: str, expected: float | None) -> None:
    assert _both([text], VALUE) == ([expected], [expected])


def test_problem_texts_name_what_is_accepted() -> None:
    assert parse.problem_text(EXTENDED, "也许") == "无法识别的是/否值 “也许”（应为 是/否、true/false、1/0 或 √/×）"
    assert parse.problem_text(CHANNEL, "电话") == (
        "未知的取值 “电话”（可选：网上咨询求助平台（online_platform）、12345热线（hotline_12345）、领导信箱（mailbox）、网站留言（website））"
    )


def test_padded_cells_in_a_column_of_one_format_take_the_slow_path_alike() -> None:
    """The strict format runs on cells as they are; padded ones must still come out the same."""
    cells = ["2022-03-05 14:30"] * 50 + [" 2022-03-05 14:30", "2022-03-05 14:30\u3000", "\t2022/3/5 14:30 ", "   ", "2022-03-05 14:30 \n"]
    reference, fast = _both(cells, RECEIVED)
    assert fast == reference
    assert fast[50:] == [dt.datetime(2022, 3, 5, 14, 30)] * 3 + [None, dt.datetime(2022, 3, 5, 14, 30)]


def test_full_width_digits_read_like_ascii() -> None:
    """What a Chinese input method types in full-width mode: refused before with the bare hint."""
    received = KINDS["consultation"].field("received_at")
    assert parse.parse_series(pl.Series(["２０２２年５月６日", "２０２２－０５－０６ １４：３０"]), received).to_list() == [
        dt.datetime(2022, 5, 6),
        dt.datetime(2022, 5, 6, 14, 30),
    ]
    assert parse.parse_series(pl.Series(["２０２２", "２０２１年度"]), KINDS["fact"].field("year")).to_list() == [2022, 2021]
    assert parse.parse_series(pl.Series(["４.５", "４．５％"]), KINDS["fact"].field("value")).to_list() == [4.5, 4.5]


def test_a_time_range_is_not_a_utc_offset() -> None:
    """14:00-16:00 read as UTC−16 moved a training from 10-31 to 11-01; offsets are taken only in
    the forms exports write (ISO with T, or a time with seconds)."""
    received = KINDS["consultation"].field("received_at")
    values = ["2022-10-31 14:00-16:00", "2022-03-03 09:00-10:00", "2022-03-05T14:30+08:00", "2022-03-05 06:30:00Z", "2022-03-05T06:30:00.5-00:00"]
    assert parse.parse_series(pl.Series(values), received).to_list() == [None, None, dt.datetime(2022, 3, 5, 14, 30), dt.datetime(2022, 3, 5, 14, 30), dt.datetime(2022, 3, 5, 14, 30, 0, 500000)]
    assert parse.problem_text(received, "2022-10-31 14:00-16:00").startswith("无法识别的日期 “2022-10-31 14:00-16:00”（这是一个时间段，请只填开始时间")


def test_invisible_characters_do_not_make_two_departments() -> None:
    department = KINDS["consultation"].field("department")
    values = ["\u200b指挥处", "指挥处\u200b", "指挥处\ufeff", "指\u200d挥处", "指挥处"]
    assert parse.parse_series(pl.Series(values), department).to_list() == ["指挥处"] * 5
    assert parse.parse_series(pl.Series(["✔\ufe0f", "✔"]), KINDS["foi_request"].field("extended")).to_list() == [True, True]
