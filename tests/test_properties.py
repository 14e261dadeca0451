"""Property-based tests (hypothesis) for the three places where hostile or odd input meets the
core: the working-day calendar, the date parser and the evidence loaders (issue 8).

Every property runs 500 examples (`EXAMPLES`), in CI too. The example database is off so that
a test run never writes `.hypothesis/` into the working tree; a failure prints the falsifying
example and `@reproduce_failure` blob instead.
"""

from __future__ import annotations

import calendar as pycal
import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from checker.calendar import WorkCalendar, default_calendar, epoch_day, from_epoch_day
from checker.errors import CalendarError, CheckerError
from checker.evidence import parse
from checker.evidence.load import evidence_from_records, load_evidence, records_table, type_table
from checker.evidence.schema import KINDS

EXAMPLES = 500
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CAL: WorkCalendar = default_calendar()
ONE_DAY = dt.timedelta(days=1)

# =========================================================================== calendar
covered_days = st.dates(min_value=CAL.first, max_value=CAL.last)
amounts = st.integers(min_value=0, max_value=60)


def naive_deadline(day: dt.date, n: int) -> dt.date | None:
    """The N-th working day strictly after `day`, by walking one day at a time with the
    calendar's own predicate; None when the walk leaves the covered range."""
    if n == 0:
        return day
    count = 0
    current = day
    while True:
        current += ONE_DAY
        if current > CAL.last:
            return None
        if CAL.is_workday(current):
            count += 1
            if count == n:
                return current


def naive_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end], negative when end < start, by walking the days."""
    lo, hi, sign = (start, end, 1) if start <= end else (end, start, -1)
    count = 0
    current = lo
    while current < hi:
        current += ONE_DAY
        count += CAL.is_workday(current)
    return sign * count


@PROPERTY
@given(day=covered_days, n=amounts)
def test_deadline_agrees_with_counting_working_days_one_by_one(day: dt.date, n: int) -> None:
    expected = naive_deadline(day, n)
    if expected is None:  # past the calendar's data: an error naming the coverage, never a guess
        with pytest.raises(CalendarError, match="覆盖范围"):
            CAL.deadline(day, n, "working_days")
        return
    due = CAL.deadline(day, n, "working_days")
    assert due == expected
    assert CAL.add_working_days(day, n) == expected
    if n == 0:
        assert due == day  # 同步发布: the same day
    else:
        assert due > day
        assert CAL.is_workday(due), f"{day} + {n} wd → {due}, which is not a working day"


@PROPERTY
@given(day=covered_days, n=st.integers(min_value=0, max_value=59), k=st.integers(min_value=0, max_value=60))
def test_deadline_is_monotone_in_n(day: dt.date, n: int, k: int) -> None:
    m = min(n + k, 60)
    assume(naive_deadline(day, m) is not None)
    earlier, later = CAL.deadline(day, n, "working_days"), CAL.deadline(day, m, "working_days")
    assert earlier <= later
    if m > n:
        assert earlier < later  # one more working day is always a later day
    # Consecutive N: the next deadline is the first working day after the previous one.
    if n < 60 and naive_deadline(day, n + 1) is not None:
        following = CAL.deadline(day, n + 1, "working_days")
        gap = [earlier + ONE_DAY * i for i in range(1, (following - earlier).days)]
        assert CAL.is_workday(following)
        assert not any(CAL.is_workday(d) for d in gap)


@PROPERTY
@given(day=covered_days, n=amounts)
def test_working_days_between_inverts_deadline(day: dt.date, n: int) -> None:
    """N working days after D is the earliest day E with working_days_between(D, E) == N."""
    assume(naive_deadline(day, n) is not None)
    due = CAL.deadline(day, n, "working_days")
    assert CAL.working_days_between(day, due) == n
    if n >= 1:
        assert CAL.working_days_between(day, due - ONE_DAY) == n - 1


@PROPERTY
@given(start=covered_days, offset=st.integers(min_value=-120, max_value=120))
def test_working_days_between_agrees_with_counting(start: dt.date, offset: int) -> None:
    end = start + dt.timedelta(days=offset)
    assume(CAL.first <= end <= CAL.last)
    expected = naive_between(start, end)
    assert CAL.working_days_between(start, end) == expected
    assert CAL.working_days_between(end, start) == -expected


@PROPERTY
@given(
    days=st.lists(covered_days, min_size=1, max_size=40),
    ns=st.lists(amounts, min_size=40, max_size=40),
)
def test_vectorised_deadlines_agree_with_the_scalar_ones(days: list[dt.date], ns: list[int]) -> None:
    """The engine's column path (one polars gather) gives the scalar answers, row by row."""
    ns = ns[: len(days)]
    epochs = pl.Series([epoch_day(d) for d in days], dtype=pl.Int64)
    out = CAL.add_working_days_vec(epochs, pl.Series(ns, dtype=pl.Int64))
    for day, n, got in zip(days, ns, out.to_list(), strict=True):
        expected = naive_deadline(day, n)
        if expected is None:
            assert got > CAL.last_epoch, f"{day} + {n} wd is past the data but came back as {from_epoch_day(got)}"
        else:
            assert from_epoch_day(got) == expected
    ends = [epoch_day(min(d + dt.timedelta(days=n * 2), CAL.last)) for d, n in zip(days, ns, strict=True)]
    between = CAL.working_days_between_vec(epochs, pl.Series(ends)).to_list()
    assert between == [CAL.working_days_between(d, from_epoch_day(e)) for d, e in zip(days, ends, strict=True)]


@PROPERTY
@given(
    moment=st.datetimes(min_value=dt.datetime.combine(CAL.first, dt.time()), max_value=dt.datetime.combine(CAL.last, dt.time(23, 59))),
    n=amounts,
)
def test_deadline_units_from_a_moment(moment: dt.datetime, n: int) -> None:
    """The time of day never moves a working-day deadline; days are calendar days; hours exact."""
    day = moment.date()
    if naive_deadline(day, n) is not None:
        assert CAL.deadline(moment, n, "working_days") == CAL.deadline(day, n, "working_days")
    assert CAL.deadline(moment, n, "days") == day + dt.timedelta(days=n)
    assert CAL.deadline(moment, n, "hours") == moment + dt.timedelta(hours=n)
    months = CAL.deadline(day, n, "months")
    assert (months.year * 12 + months.month) - (day.year * 12 + day.month) == n
    assert months.day == min(day.day, pycal.monthrange(months.year, months.month)[1])


@PROPERTY
@given(
    day=st.one_of(
        st.dates(max_value=CAL.first - ONE_DAY, min_value=dt.date(1900, 1, 1)),
        st.dates(min_value=CAL.last + ONE_DAY, max_value=dt.date(2200, 12, 31)),
    ),
    n=amounts,
)
def test_days_outside_the_calendar_data_are_errors_not_guesses(day: dt.date, n: int) -> None:
    with pytest.raises(CalendarError, match="覆盖范围"):
        CAL.is_workday(day)
    if n == 0:  # 当日: the day itself, which needs no data (DESIGN.md: N = 0 is "on or before D")
        assert CAL.deadline(day, n, "working_days") == day
    else:
        with pytest.raises(CalendarError, match="覆盖范围"):
            CAL.deadline(day, n, "working_days")
    with pytest.raises(CalendarError, match="覆盖范围"):
        CAL.working_days_between(day, CAL.first)


@PROPERTY
@given(day=covered_days)
def test_working_day_table_agrees_with_the_chinesecalendar_package(day: dt.date) -> None:
    """The precomputed table holds what the data source says, make-up weekends included."""
    import chinese_calendar

    assert CAL.is_workday(day) == chinese_calendar.is_workday(day)


# =========================================================================== date parser
RECEIVED = KINDS["consultation"].field("received_at")  # a datetime field
ISSUED = KINDS["decision"].field("issued_at")  # a date field
SHANGHAI = ZoneInfo("Asia/Shanghai")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
WHITE = " \t\r\n\u3000\u00a0"  # what the loader trims from every cell


def parse_both(values: Sequence[str | None], spec: Any = RECEIVED) -> tuple[list[Any], list[Any]]:
    """(reference expression, fast column path) readings of one column."""
    series = pl.Series("x", list(values), dtype=pl.String)
    reference = series.to_frame().select(parse.parse_field(pl.col("x"), spec)).to_series().to_list()
    return reference, parse_fast(values, spec)


def parse_fast(values: Sequence[str | None], spec: Any = RECEIVED) -> list[Any]:
    """The loader's reading of one column (`parse_series`)."""
    return parse.parse_series(pl.Series("x", list(values), dtype=pl.String), spec).to_list()


moments = st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2099, 12, 31, 23, 59, 59))


def spell(moment: dt.datetime, style: str) -> tuple[str, dt.datetime]:
    """One way people or systems write `moment`, and what it must read back as."""
    m = moment.replace(microsecond=0)
    y, mo, d, hh, mi, ss = m.year, m.month, m.day, m.hour, m.minute, m.second
    day = m.replace(hour=0, minute=0, second=0)
    minute = m.replace(second=0)
    match style:
        case "iso-date":
            return f"{y:04d}-{mo:02d}-{d:02d}", day
        case "iso-minute":
            return f"{y:04d}-{mo:02d}-{d:02d} {hh:02d}:{mi:02d}", minute
        case "iso-second":
            return f"{y:04d}-{mo:02d}-{d:02d} {hh:02d}:{mi:02d}:{ss:02d}", m
        case "iso-fraction":
            return f"{y:04d}-{mo:02d}-{d:02d} {hh:02d}:{mi:02d}:{ss:02d}.{moment.microsecond:06d}", moment
        case "iso-t":
            return f"{y:04d}-{mo:02d}-{d:02d}T{hh:02d}:{mi:02d}:{ss:02d}", m
        case "short-dash":
            return f"{y}-{mo}-{d} {hh}:{mi:02d}", minute
        case "slash":
            return f"{y}/{mo}/{d}", day
        case "slash-padded-time":
            return f"{y}/{mo:02d}/{d:02d} {hh:02d}:{mi:02d}", minute
        case "slash-time":
            return f"{y}/{mo}/{d} {hh}:{mi:02d}", minute
        case "dots":
            return f"{y}.{mo}.{d}", day
        case "dots-time":
            return f"{y}.{mo}.{d} {hh}:{mi:02d}:{ss:02d}", m
        case "zh":
            return f"{y}年{mo}月{d}日", day
        case "zh-hao":
            return f"{y}年{mo}月{d}号", day
        case "zh-colon":
            return f"{y}年{mo}月{d}日 {hh:02d}：{mi:02d}", minute
        case "zh-hm":
            return f"{y}年{mo}月{d}日 {hh}时{mi}分", minute
        case "zh-hms":
            return f"{y}年{mo}月{d}日{hh}时{mi}分{ss}秒", m
        case "zh-h":
            return f"{y}年{mo}月{d}日{hh}时", m.replace(minute=0, second=0)
        case "zh-spaced":
            return f"{y} 年 {mo} 月 {d} 日 {hh} 时 {mi} 分", minute
        case "padded":
            return f"\u3000 {y:04d}-{mo:02d}-{d:02d} {hh:02d}:{mi:02d}\t ", minute
        case "offset-08":  # ISO 8601 with an offset: converted to Beijing time (DST 1986–91 included)
            aware = m.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
            return aware.isoformat(), aware.astimezone(SHANGHAI).replace(tzinfo=None)
        case "utc-z":
            utc = m.replace(tzinfo=SHANGHAI).astimezone(dt.UTC)
            return utc.strftime("%Y-%m-%dT%H:%M:%SZ"), utc.astimezone(SHANGHAI).replace(tzinfo=None)
        case "excel-day":  # a CSV export of an Excel date cell
            return str((day - EXCEL_EPOCH).days), day
        case "excel-minute":
            serial = (minute - EXCEL_EPOCH) / dt.timedelta(days=1)
            return (repr(serial) if serial % 1 else str(int(serial))), minute
    raise AssertionError(style)


STYLES = [
    "iso-date", "iso-minute", "iso-second", "iso-fraction", "iso-t", "short-dash", "slash", "slash-padded-time",
    "slash-time", "dots", "dots-time", "zh", "zh-hao", "zh-colon", "zh-hm", "zh-hms", "zh-h", "zh-spaced", "padded",
    "offset-08", "utc-z", "excel-day", "excel-minute",
]  # fmt: skip
spelled = st.builds(spell, moments, st.sampled_from(STYLES))  # (text, expected)

# Dates that do not exist: past the month's end (Feb 29 in common years, Feb 30, Apr 31 …),
# month 0 or 13+, day 0; and times that do not exist: 24:00 and later, minute 60+, second 60+.
impossible_dates = st.one_of(
    st.builds(lambda y, m, extra: (y, m, pycal.monthrange(y, m)[1] + extra), st.integers(1950, 2099), st.integers(1, 12), st.integers(1, 8)),
    st.tuples(st.integers(1950, 2099), st.sampled_from([0, 13, 14, 20, 99]), st.integers(1, 28)),
    st.tuples(st.integers(1950, 2099), st.integers(1, 12), st.just(0)),
)
real_times = st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
impossible_times = st.one_of(
    st.tuples(st.integers(24, 99), st.integers(0, 59), st.integers(0, 59)),
    st.tuples(st.integers(0, 23), st.integers(60, 99), st.integers(0, 59)),
    st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(60, 99)),
)
DATE_STYLES = ["iso", "short-dash", "slash", "slash-padded", "dots", "zh", "zh-hm"]


def spell_parts(y: int, mo: int, d: int, time: tuple[int, int, int] | None, style: str) -> str:
    date = {
        "iso": f"{y:04d}-{mo:02d}-{d:02d}",
        "short-dash": f"{y}-{mo}-{d}",
        "slash": f"{y}/{mo}/{d}",
        "slash-padded": f"{y}/{mo:02d}/{d:02d}",
        "dots": f"{y}.{mo}.{d}",
        "zh": f"{y}年{mo}月{d}日",
        "zh-hm": f"{y}年{mo}月{d}日",
    }[style]
    if time is None:
        return date
    hh, mi, ss = time
    if style == "zh":
        return f"{date}{hh}时{mi}分{ss}秒"
    if style == "zh-hm":
        return f"{date} {hh}时{mi}分" if ss == 0 else f"{date} {hh}时{mi}分{ss}秒"
    return f"{date} {hh:02d}:{mi:02d}:{ss:02d}" if ss else f"{date} {hh:02d}:{mi:02d}"


impossible = st.one_of(
    st.builds(lambda ymd, t, s: spell_parts(ymd[0], ymd[1], ymd[2], t, s), impossible_dates, st.none() | real_times, st.sampled_from(DATE_STYLES)),
    st.builds(lambda m, t, s: spell_parts(m.year, m.month, m.day, t, s), moments, impossible_times, st.sampled_from(DATE_STYLES)),
)

# Text as people (and broken exports) produce it: any unicode; the characters dates are made
# of, so that near-misses ("2022-3-5 1:", "2022年13月") come up often; real and impossible dates.
DATE_ALPHABET = "0123456789-/.:：年月日号时分秒 T+Z\u3000\t"
cell_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=DATE_ALPHABET, max_size=25),
    spelled.map(lambda pair: pair[0]),
    impossible,
    st.integers(10_000, 99_999).map(str),
    st.floats(10_000, 99_999.99).map(repr),
)
cells = st.one_of(st.none(), cell_text)


@PROPERTY
@given(column=st.lists(cells, min_size=1, max_size=12))
def test_date_parser_never_raises_and_both_paths_agree(column: list[str | None]) -> None:
    """Random text never raises. The fast column path (which sniffs one strict format for the
    whole column) gives the reference expression's reading, and that expression is elementwise:
    so no cell's reading depends on its neighbours."""
    reference, fast = parse_both(column)
    assert len(fast) == len(column)
    assert fast == reference, [(c, f, r) for c, f, r in zip(column, fast, reference, strict=True) if f != r]
    for raw, value in zip(column, fast, strict=True):
        if raw is None or not raw.strip(WHITE):
            assert value is None  # an empty cell is empty, never a date
        elif value is not None:
            assert isinstance(value, dt.datetime)
            assert 1900 <= value.year <= 2200  # a typo's year ("22-3-5") is no date


@PROPERTY
@given(items=st.lists(spelled, min_size=1, max_size=12))
def test_valid_dates_read_back_as_the_same_moment(items: list[tuple[str, dt.datetime]]) -> None:
    """Every accepted spelling of a real moment reads back as that moment, alone or in a column
    of mixed spellings (the fast path sniffs the column's commonest format). (Date fields are
    this reading's `.dt.date()`; the loader properties below type date fields too.)"""
    texts = [text for text, _ in items]
    expected = [value for _, value in items]
    fast = parse_fast(texts)
    assert fast == expected, [(t, f, e) for t, f, e in zip(texts, fast, expected, strict=True) if f != e]


@PROPERTY
@given(bad=impossible, neighbours=st.lists(spelled, max_size=6), position=st.integers(0, 6))
@example(bad="2022-12-31 23:59:60", neighbours=[], position=0)  # a leap second is no time in Beijing
def test_impossible_dates_and_times_are_reported_never_moved(bad: str, neighbours: list[tuple[str, dt.datetime]], position: int) -> None:
    """2022-02-30, 24:00, 14:60, 23:59:60 … come out null (the loader reports them with their row
    and column), never as a neighbouring date or time; alone or among valid cells."""
    column = [text for text, _ in neighbours]
    position = min(position, len(column))
    column.insert(position, bad)
    fast = parse_fast(column)
    assert fast[position] is None, f"{bad!r} read as {fast[position]}"
    assert fast[:position] + fast[position + 1 :] == [value for _, value in neighbours]  # neighbours unharmed


# Every non-date field of every kind (dates have their own properties above).
OTHER_FIELDS = [f for kind in KINDS.values() for f in kind.fields if f.type not in ("datetime", "date")]
OTHER_CELLS = ["是", "否", "√", "×", "Y", "2022", "2022年度", "2022.0", "1,234", "4.5%", "-0", "1e400", "NaN", "inf", "１２"]


@PROPERTY
@given(column=st.lists(st.one_of(cells, st.sampled_from(OTHER_CELLS)), min_size=1, max_size=12), spec=st.sampled_from(OTHER_FIELDS))
def test_every_other_field_parser_never_raises(column: list[str | None], spec: Any) -> None:
    """Yes/no, enum, year, int, float and text cells: never raises, both paths agree, blank is null."""
    reference, fast = parse_both(column, spec)
    assert len(fast) == len(column)
    assert repr(fast) == repr(reference), spec.name  # repr: NaN == NaN
    for raw, value in zip(column, fast, strict=True):
        if raw is None or not raw.strip(WHITE):
            assert value is None
        elif spec.type == "year" and value is not None:
            assert 1900 <= value <= 2200
        elif spec.type == "enum" and value is not None:
            assert value in spec.value_labels


# =========================================================================== loaders
# Cell values as JSON, YAML and in-memory fixtures hold them: text (unicode, control
# characters), numbers (huge, negative, NaN, ±inf), None, booleans, dates, and nested lists or
# mappings where a single value belongs.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Co"]), max_size=6),
    cell_text,
    st.dates(),
    st.datetimes(),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.text(max_size=10)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
nested = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)


def _good_value(spec: Any) -> st.SearchStrategy[Any]:
    """A value the field accepts (so that whole records often load and typing is reached)."""
    match spec.type:
        case "datetime" | "date":
            return spelled.map(lambda pair: pair[0]) | moments
        case "enum":
            return st.sampled_from([v for pair in spec.values for v in pair])
        case "bool":
            return st.sampled_from(["是", "否", True, False, "1", "0"])
        case "year":
            return st.integers(1950, 2099) | st.integers(1950, 2099).map(lambda y: f"{y}年")
        case "int" | "float":
            return st.integers(0, 100) | st.floats(0, 100)
    if spec.name == "due":  # task time nodes
        return st.sampled_from(["9月底前", "全年", "按季度", "长期坚持", "2020.6", "12月31日前"])
    return st.text(min_size=1, max_size=8).filter(lambda t: t.strip(WHITE))


# Built once: strategy construction is a large share of hypothesis' time per example.
GOOD = {f: _good_value(f) for kind in KINDS.values() for f in kind.fields}
BAD_IDS = st.sampled_from(["R0", "", None, 1, 1.0])
EXTRA_KEYS = st.lists(st.one_of(st.text(max_size=6), st.integers(), st.booleans()), max_size=2, unique_by=str)
ROLL_TIDY, ROLL_UNTIDY, ROLL_15, ROLL_50 = st.integers(0, 31), st.integers(0, 11), st.integers(0, 14), st.integers(0, 49)
RECORD_COUNT = st.integers(0, 4)


@st.composite
def records_for(draw: st.DrawFn, kind: str) -> list[Any]:
    """Records of one kind: mostly mappings of the kind's fields (by name or Chinese label, good
    or random values) plus extra columns; in untidy ledgers also lists or mappings as values,
    missing keys and records that are not mappings."""
    spec = KINDS[kind]
    records: list[Any] = []
    labels = draw(st.booleans())  # a ledger is keyed one way; now and then a record differs
    tidy = draw(st.booleans())  # half the ledgers have only single values (so typing is reached)
    fields = [f for f in spec.fields if f.presence != "optional" or draw(st.booleans())]
    extras = draw(EXTRA_KEYS)
    for n in range(draw(RECORD_COUNT)):
        if not tidy and draw(ROLL_15) == 0:
            records.append(draw(nested))
            continue
        record: dict[Any, Any] = {}
        by_label = labels if draw(ROLL_50) else not labels
        for f in fields:
            roll = draw(ROLL_TIDY if tidy else ROLL_UNTIDY)
            if not tidy and roll == 11:
                continue  # a key missing from this record
            if f.name == "id":
                value: Any = f"R{n}" if roll else draw(BAD_IDS)
            else:
                value = draw(GOOD[f]) if roll > 1 else draw(scalars) if roll or tidy else draw(nested)
            record[f.label if by_label else f.name] = value
        for key in extras:
            record[key] = draw(scalars)
        records.append(record)
    return records


def our_error_or_none(call: Any) -> CheckerError | None:
    """Run `call`; our own error type is an answer, any other exception fails the property."""
    try:
        call()
    except CheckerError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        event("raised CheckerError")
        return exc
    event("returned")
    return None


@PROPERTY
@given(data=st.data(), kind=st.sampled_from(sorted(KINDS)), stray=st.integers(0, 9))
def test_in_memory_records_load_or_raise_our_error(data: st.DataObject, kind: str, stray: int) -> None:
    """`evidence_from_records` (rule fixtures, JSON and YAML ledgers go through the same table
    builder): it returns typed frames or raises `CheckerError` with messages, nothing else; and
    when it returns, every record is there, in order, with its required fields filled."""
    ledgers: dict[Any, Any] = {kind: data.draw(records_for(kind), label=kind)}
    if stray == 0:  # a kind that does not exist, or a ledger that is not a list
        ledgers[data.draw(st.sampled_from(["nonsense", kind]))] = data.draw(nested | st.lists(nested, max_size=3))
    result: list[Any] = []
    error = our_error_or_none(lambda: result.append(evidence_from_records(ledgers, "prop")))
    if error is not None:
        return
    evidence = result[0]
    for name, records in ledgers.items():
        frame = evidence.frame(name)
        assert frame.height == len(records), f"{name}: {len(records)} records in, {frame.height} out"
        assert frame.get_column("_row").to_list() == list(range(1, len(records) + 1))
        for f in KINDS[name].fields:
            if f.presence == "required":
                assert frame.get_column(f.name).null_count() == 0, f"{name}.{f.name} empty but not reported"


@PROPERTY
@given(
    kind=st.sampled_from(sorted(KINDS)),
    document=st.one_of(
        json_values,
        st.lists(nested, max_size=4),
        st.lists(st.dictionaries(st.one_of(st.text(max_size=4), st.integers(), st.none()), scalars, max_size=3), max_size=4),
    ),
)
@example(kind="activity", document=[{}])  # records without a single key
def test_records_table_takes_any_document(kind: str, document: Any) -> None:
    """Any parsed JSON/YAML document: `records_table` builds a table of text cells (one row per
    record) or raises our error; typing that table never raises at all."""
    result: list[Any] = []
    if our_error_or_none(lambda: result.append(records_table(kind, "x.json", document))) is not None:
        return
    table = result[0]
    assert isinstance(document, list)
    assert table.frame.height == len(document)
    assert all(dtype == pl.String for name, dtype in table.frame.schema.items() if name != "_row")
    typed, problems = type_table(table)
    assert all(isinstance(p, str) for p in problems)
    if typed is not None:
        assert typed.height == len(document)


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
JUNK_CELL = st.one_of(cell_text, st.text(max_size=8), st.just(""))
ROLL_4, ROLL_10, ROLL_30 = st.integers(0, 3), st.integers(0, 9), st.integers(0, 29)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, int, int]:
    """A consultations CSV: a header of real labels/names (sometimes missing, repeated or
    random), rows of random cells, any of the encodings Chinese offices save in — or random
    bytes. Returns the bytes, the number of data rows written and of rows with a letter or digit."""
    if draw(ROLL_10) == 0:
        return draw(st.binary(max_size=200)), -1, -1
    spec = KINDS["consultation"]
    header = [f.label if draw(st.booleans()) else f.name for f in spec.fields if f.presence != "optional" or draw(st.booleans())]
    header = draw(st.permutations(header))
    if draw(ROLL_10) == 0:
        header = header + draw(st.lists(st.text(max_size=6) | st.sampled_from(header or ["x"]), max_size=3))
    good = {f.label: f for f in spec.fields} | {f.name: f for f in spec.fields}
    tidy = draw(st.booleans())  # half the files have only cells their column accepts
    rows = []
    for n in range(draw(RECORD_COUNT)):
        row = []
        for h in header:
            f = good.get(h)
            roll = draw(ROLL_30 if tidy else ROLL_4)
            if f is not None and f.name == "id" and roll:
                row.append(f"C{n}")
            elif f is not None and roll:
                row.append(str(draw(GOOD[f])))
            else:
                row.append(draw(JUNK_CELL))
        if not tidy and draw(ROLL_10) == 0:  # a ragged row
            row = row[: draw(st.integers(0, len(row)))] + draw(st.lists(st.text(max_size=4), max_size=2))
        rows.append(row)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", "\t"])), lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    encoding = draw(ENCODINGS)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    lettered = sum(any(any(ch.isalnum() for ch in cell) for cell in row) for row in rows)
    return data, len(rows), lettered


@PROPERTY
@given(file=csv_files())
def test_csv_files_load_or_raise_our_error(file: tuple[bytes, int, int]) -> None:
    """A consultations.csv of random cells in any encoding, or of random bytes: `load_evidence`
    returns or raises `CheckerError`, nothing else; when it returns, no row with content is lost."""
    data, written, lettered = file
    with tempfile.TemporaryDirectory(prefix="zwgk-prop-") as folder:
        path = Path(folder) / "consultations.csv"
        path.write_bytes(data)
        result: list[Any] = []
        if our_error_or_none(lambda: result.append(load_evidence(Path(folder)))) is not None:
            return
    frame = result[0].frame("consultation")
    if written >= 0:
        assert lettered <= frame.height <= written, f"{written} rows written ({lettered} with content), {frame.height} loaded"
        assert frame.get_column("id").null_count() == 0


@PROPERTY
@given(
    document=st.one_of(
        json_values,
        st.lists(nested, max_size=4),
        st.tuples(records_for("consultation"), st.booleans()).map(lambda r: {"consultations": r[0]} if r[1] else r[0]),
    ),
    form=st.sampled_from(["json", "yaml", "json", "yaml", "json-text", "yaml-text"]),
    junk=st.text(max_size=40),
)
@example(document=None, form="yaml-text", junk="- id: \x1f\n")  # a control character
def test_json_and_yaml_files_load_or_raise_our_error(document: Any, form: str, junk: str) -> None:
    """A consultations.json/.yaml holding any document (or any text): our error or a result."""
    with tempfile.TemporaryDirectory(prefix="zwgk-prop-") as folder:
        if form == "json":
            path = Path(folder) / "consultations.json"
            path.write_text(json.dumps(document, ensure_ascii=False, default=str), encoding="utf-8")
        elif form == "yaml":
            path = Path(folder) / "consultations.yaml"
            path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        else:  # the text itself, as a file of that suffix
            path = Path(folder) / f"consultations.{form.removesuffix('-text')}"
            path.write_text(junk, encoding="utf-8")
        result: list[Any] = []
        if our_error_or_none(lambda: result.append(load_evidence(Path(folder)))) is None:
            assert result[0].frame("consultation").height >= 1
