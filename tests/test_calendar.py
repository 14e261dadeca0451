"""The working-day calendar: hand-checked deadlines, the scalar and vectorised APIs, coverage
errors, the overrides file and the `zwgk calendar` commands.

Every expected date in DEADLINES was worked out by hand from the State Council's yearly holiday
notices (国务院办公厅关于 20XX 年部分节假日安排的通知, plus 国办发明电〔2020〕1号 for the extended
2020 Spring Festival), counting with 期间开始之日不计算在内: the N-th working day strictly after
the receipt date, N = 0 meaning the same day.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl
import pytest

from checker import calendar as calmod
from checker.calendar import BEYOND, WorkCalendar, default_calendar, epoch_day, from_epoch_day
from checker.errors import CalendarError

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return default_calendar()


# --------------------------------------------------------------------------- hand-checked table
# (received, N, due, why)
DEADLINES = [
    # --- the DESIGN.md / issue examples
    ("2023-03-10", 1, "2023-03-13", "Fri receipt, N=1: due the following Monday"),
    ("2023-04-22", 1, "2023-04-23", "Sat receipt: Sun 04-23 is a Labour Day make-up working day"),
    ("2020-01-23", 1, "2020-02-03", "2020 Spring Festival extended to 02-02; planned Sat 02-01 make-up cancelled"),
    ("2025-01-27", 1, "2025-02-05", "2025: Spring Festival eve 01-28 statutory, holiday 01-28..02-04"),
    # --- 2020 Spring Festival extension (国办发明电〔2020〕1号)
    ("2020-01-18", 1, "2020-01-19", "Sat receipt: Sun 01-19 make-up day was kept"),
    ("2020-01-22", 3, "2020-02-04", "01-23, then nothing until 02-03, 02-04"),
    ("2020-01-31", 1, "2020-02-03", "receipt on an extension day (originally a working day)"),
    ("2020-01-17", 10, "2020-02-07", "Sun 01-19 + 01-20..23 = 5, then 02-03..07 = 10"),
    ("2020-01-23", 0, "2020-01-23", "N=0 is the same day"),
    # --- 2025 new statutory days (eve of Spring Festival, 2 May)
    ("2025-01-25", 1, "2025-01-26", "Sat receipt: Sun 01-26 make-up day"),
    ("2025-04-30", 1, "2025-05-06", "Labour Day 05-01..05-05 (05-02 statutory from 2025)"),
    ("2025-05-02", 1, "2025-05-06", "receipt on 05-02, a statutory holiday from 2025"),
    ("2025-04-26", 1, "2025-04-27", "Sat receipt: Sun 04-27 make-up day"),
    ("2025-05-30", 1, "2025-06-03", "Dragon Boat 05-31..06-02"),
    ("2025-09-30", 1, "2025-10-09", "National Day + Mid-autumn 10-01..10-08"),
    ("2025-09-30", 3, "2025-10-11", "10-09, 10-10, Sat 10-11 make-up day"),
    # --- golden weeks: National Day
    ("2016-09-30", 1, "2016-10-08", "National Day 10-01..07; Sat 10-08 make-up day"),
    ("2017-09-29", 1, "2017-09-30", "Fri receipt: Sat 09-30 make-up day"),
    ("2017-09-30", 1, "2017-10-09", "receipt on a make-up Sat; 10-01..10-08 off (with Mid-autumn)"),
    ("2019-09-30", 1, "2019-10-08", "National Day 10-01..07"),
    ("2020-09-30", 1, "2020-10-09", "National Day + Mid-autumn 10-01..10-08"),
    ("2020-09-30", 2, "2020-10-10", "10-09, then Sat 10-10 make-up day"),
    ("2023-09-28", 1, "2023-10-07", "09-29..10-06 off; Sat 10-07 make-up day"),
    ("2023-09-28", 3, "2023-10-09", "Sat 10-07, Sun 10-08 (both make-up), Mon 10-09"),
    ("2024-09-28", 1, "2024-09-29", "Sat receipt: Sun 09-29 make-up day"),
    ("2024-09-30", 1, "2024-10-08", "National Day 10-01..07"),
    ("2024-10-01", 1, "2024-10-08", "receipt on a holiday"),
    ("2024-10-11", 1, "2024-10-12", "Fri receipt: Sat 10-12 make-up day"),
    ("2026-09-30", 1, "2026-10-08", "National Day 10-01..07 (2026 schedule)"),
    # --- golden weeks: Labour Day
    ("2019-04-30", 1, "2019-05-05", "05-01..04 off; Sun 05-05 make-up day"),
    ("2021-04-30", 1, "2021-05-06", "Labour Day 05-01..05"),
    ("2022-04-29", 1, "2022-05-05", "Labour Day 04-30..05-04"),
    ("2022-05-05", 3, "2022-05-09", "Fri 05-06, Sat 05-07 make-up, Mon 05-09"),
    ("2024-04-26", 3, "2024-04-30", "Sun 04-28 make-up, Mon 04-29, Tue 04-30"),
    # --- Spring Festival and other holidays with make-up days
    ("2016-02-05", 1, "2016-02-06", "Fri receipt: Sat 02-06 make-up day"),
    ("2016-02-06", 1, "2016-02-14", "receipt on a make-up Sat; 02-07..13 off; Sun 02-14 make-up"),
    ("2016-06-08", 1, "2016-06-12", "Dragon Boat 06-09..11; Sun 06-12 make-up day"),
    ("2018-02-14", 1, "2018-02-22", "Spring Festival 02-15..21"),
    ("2019-02-01", 1, "2019-02-02", "Fri receipt: Sat 02-02 make-up day"),
    ("2020-06-24", 1, "2020-06-28", "Dragon Boat 06-25..27; Sun 06-28 make-up day"),
    ("2021-02-10", 1, "2021-02-18", "Spring Festival 02-11..17"),
    ("2021-09-17", 1, "2021-09-18", "Fri receipt: Sat 09-18 make-up day (Mid-autumn)"),
    ("2022-01-28", 1, "2022-01-29", "Fri receipt: Sat 01-29 make-up day"),
    ("2022-01-30", 1, "2022-02-07", "receipt on make-up Sun 01-30; 01-31..02-06 off"),
    ("2023-01-24", 1, "2023-01-28", "receipt during Spring Festival; Sat 01-28 make-up day"),
    ("2024-02-09", 1, "2024-02-18", "Spring Festival 02-10..17; Sun 02-18 make-up day"),
    ("2026-02-13", 1, "2026-02-14", "Fri receipt: Sat 02-14 make-up day"),
    ("2026-02-14", 1, "2026-02-24", "receipt on make-up Sat; Spring Festival 02-15..23"),
    # --- year boundaries
    ("2016-01-01", 1, "2016-01-04", "New Year 01-01..03, first covered-range day in the table"),
    ("2016-12-30", 1, "2017-01-03", "New Year 2016-12-31..2017-01-02"),
    ("2018-12-28", 1, "2018-12-29", "Fri receipt: Sat 12-29 make-up day for New Year 2019"),
    ("2018-12-29", 1, "2019-01-02", "receipt on make-up Sat; 12-30..01-01 off"),
    ("2020-12-31", 1, "2021-01-04", "New Year 2021 01-01..03"),
    ("2022-12-30", 1, "2023-01-03", "New Year 2022-12-31..2023-01-02"),
    ("2023-12-31", 1, "2024-01-02", "Sun receipt; Mon 2024-01-01 holiday"),
    ("2024-12-31", 1, "2025-01-02", "Wed 2025-01-01 holiday"),
    ("2025-12-31", 1, "2026-01-04", "New Year 2026 01-01..03; Sun 01-04 make-up day"),
    ("2025-12-31", 20, "2026-01-29", "Sun 01-04, then four plain weeks: 01-05..09, 12..16, 19..23, 26..29"),
    # --- plain weekends, N = 0 / 10 / 20 / 40
    ("2023-03-11", 1, "2023-03-13", "Sat receipt, ordinary weekend: Monday"),
    ("2023-03-12", 1, "2023-03-13", "Sun receipt, ordinary weekend: Monday"),
    ("2023-04-22", 0, "2023-04-22", "N=0 on a weekend is still the same day"),
    ("2024-10-01", 0, "2024-10-01", "N=0 on a holiday is still the same day"),
    ("2023-03-01", 10, "2023-03-15", "March 2023 has no holidays: two weeks"),
    ("2023-04-01", 20, "2023-04-28", "Qingming 04-05 off, Sun 04-23 make-up counted"),
    ("2019-04-01", 20, "2019-04-29", "Qingming 04-05 off, Sun 04-28 make-up counted"),
    ("2024-09-01", 40, "2024-10-31", "Mid-autumn 09-15..17, National Day, make-ups 09-14, 09-29, 10-12"),
]


def test_deadline_table_is_big_enough() -> None:
    assert len(DEADLINES) >= 45
    assert {int(r[:4]) for r, *_ in DEADLINES} >= set(range(2016, 2027))
    assert {n for _, n, _, _ in DEADLINES} >= {0, 1, 3, 10, 20, 40}


@pytest.mark.parametrize(("received", "n", "due", "why"), DEADLINES, ids=[f"{r}+{n}" for r, n, _, _ in DEADLINES])
def test_hand_checked_deadlines(cal: WorkCalendar, received: str, n: int, due: str, why: str) -> None:
    assert cal.add_working_days(D(received), n) == D(due), why
    assert cal.deadline(D(received), n, "working_days") == D(due), why
    if n > 0:
        # the due day is a working day and exactly N working days lie in (received, due]
        assert cal.is_workday(D(due)), why
        assert cal.working_days_between(D(received), D(due)) == n, why
        assert cal.working_days_between(D(received), D(due) - dt.timedelta(days=1)) == n - 1, why


# --------------------------------------------------------------------------- scalar API
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2023-03-10", True),  # ordinary Friday
        ("2023-03-11", False),  # ordinary Saturday
        ("2023-04-23", True),  # make-up Sunday
        ("2023-01-23", False),  # Spring Festival Monday
        ("2020-01-19", True),  # make-up Sunday kept in 2020
        ("2020-02-01", False),  # make-up Saturday cancelled by 国办发明电〔2020〕1号
        ("2020-01-31", False),  # extension day (a Friday)
        ("2025-01-28", False),  # Spring Festival eve, statutory from 2025
        ("2024-02-09", True),  # Spring Festival eve in 2024 was still a working day
        ("2025-05-02", False),  # 2 May, statutory from 2025
    ],
)
def test_is_workday(cal: WorkCalendar, day: str, expected: bool) -> None:
    assert cal.is_workday(D(day)) is expected


@pytest.mark.parametrize(
    ("day", "text"),
    [
        ("2023-04-23", "2023-04-23 星期日 工作日（周末调休上班）"),
        ("2025-01-28", "2025-01-28 星期二 休息日（法定节假日：春节）"),
        ("2023-04-22", "2023-04-22 星期六 休息日（周末）"),
        ("2023-03-10", "2023-03-10 星期五 工作日"),
        ("2020-02-01", "2020-02-01 星期六 休息日（法定节假日：春节）"),
        ("2024-10-01", "2024-10-01 星期二 休息日（法定节假日：国庆节）"),
        ("2023-04-05", "2023-04-05 星期三 休息日（法定节假日：清明节）"),
    ],
)
def test_day_info_describe(cal: WorkCalendar, day: str, text: str) -> None:
    assert cal.day_info(D(day)).describe() == text


def test_day_info_fields(cal: WorkCalendar) -> None:
    makeup = cal.day_info(D("2023-04-23"))
    assert (makeup.is_workday, makeup.makeup, makeup.holiday_name) == (True, True, None)
    holiday = cal.day_info(D("2025-01-28"))
    assert (holiday.is_workday, holiday.makeup, holiday.holiday_name) == (False, False, "春节")
    weekend = cal.day_info(D("2023-04-22"))
    assert (weekend.is_workday, weekend.makeup, weekend.holiday_name) == (False, False, None)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2023-03-10", "2023-03-10", 0),  # empty interval
        ("2023-03-10", "2023-03-13", 1),  # start (Fri) not counted, end (Mon) counted
        ("2023-03-09", "2023-03-10", 1),
        ("2023-04-21", "2023-04-24", 2),  # Sun 04-23 make-up + Mon 04-24
        ("2020-01-23", "2020-02-03", 1),  # the whole 2020 extension holds no working day
        ("2023-03-13", "2023-03-10", -1),  # reversed: negative
        ("2023-04-24", "2023-04-21", -2),
        ("2022-12-31", "2023-12-31", 249),  # working days in 2023: 260 weekdays − 18 holidays + 7 make-ups
        ("2024-12-31", "2025-12-31", 248),  # working days in 2025: 261 − 18 + 5
    ],
)
def test_working_days_between(cal: WorkCalendar, start: str, end: str, count: int) -> None:
    assert cal.working_days_between(D(start), D(end)) == count


def test_deadline_units(cal: WorkCalendar) -> None:
    assert cal.deadline(D("2023-01-31"), 1, "months") == D("2023-02-28")
    assert cal.deadline(D("2024-01-31"), 1, "months") == D("2024-02-29")
    assert cal.deadline(D("2023-04-22"), 3, "months") == D("2023-07-22")
    # calendar days ignore holidays entirely
    assert cal.deadline(D("2023-09-28"), 10, "days") == D("2023-10-08")
    assert cal.deadline(dt.datetime(2023, 9, 28, 17, 0), 1, "days") == D("2023-09-29")
    # hours are exact elapsed time, holidays or not
    assert cal.deadline(dt.datetime(2023, 4, 22, 9, 30), 48, "hours") == dt.datetime(2023, 4, 24, 9, 30)
    assert cal.deadline(dt.datetime(2023, 9, 29, 23, 15), 1, "hours") == dt.datetime(2023, 9, 30, 0, 15)
    assert cal.deadline(D("2023-04-22"), 24, "hours") == dt.datetime(2023, 4, 23, 0, 0)
    # working days from a datetime use its calendar date
    assert cal.deadline(dt.datetime(2023, 3, 10, 23, 59), 1, "working_days") == D("2023-03-13")


def test_deadline_zero_is_same_day(cal: WorkCalendar) -> None:
    for unit in ("working_days", "days", "months"):
        assert cal.deadline(D("2023-04-22"), 0, unit) == D("2023-04-22")
    assert cal.deadline(dt.datetime(2023, 4, 22, 8, 0), 0, "hours") == dt.datetime(2023, 4, 22, 8, 0)


def test_deadline_rejects_bad_unit_and_negative_amounts(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarError, match="未知的期限单位：weeks"):
        cal.deadline(D("2023-04-22"), 1, "weeks")
    with pytest.raises(CalendarError, match="期限不能为负数：-1"):
        cal.deadline(D("2023-04-22"), -1, "days")
    with pytest.raises(CalendarError, match="工作日数不能为负数：-2"):
        cal.add_working_days(D("2023-04-22"), -2)


def test_epoch_day_round_trip() -> None:
    assert epoch_day(dt.date(1970, 1, 1)) == 0
    assert epoch_day(dt.date(2023, 4, 22)) == 19469
    assert from_epoch_day(19469) == dt.date(2023, 4, 22)


# --------------------------------------------------------------------------- independent data source
def test_agrees_with_holidays_package_every_day_2016_2026(cal: WorkCalendar) -> None:
    holidays = pytest.importorskip("holidays")
    cn = holidays.country_holidays("CN", years=range(2016, 2027))
    day, last = dt.date(2016, 1, 1), dt.date(2026, 12, 31)
    disagreements = []
    checked = 0
    while day <= last:
        if cal.is_workday(day) != cn.is_working_day(day):
            disagreements.append(day.isoformat())
        checked += 1
        day += dt.timedelta(days=1)
    assert checked == 4018
    assert disagreements == []


# --------------------------------------------------------------------------- vectorised API
def _random_epochs(cal: WorkCalendar, count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(epoch_day(cal.first), cal.last_epoch) for _ in range(count)]


def test_add_working_days_vec_matches_scalar(cal: WorkCalendar) -> None:
    days = _random_epochs(cal, 3000, seed=20230422)
    rng = random.Random(7)
    ns = [rng.randint(0, 40) for _ in days]
    # make sure the end of coverage is exercised: results past 2026-12-31 must be BEYOND
    days[:50] = range(cal.last_epoch - 49, cal.last_epoch + 1)
    ns[:50] = [20] * 50
    got = cal.add_working_days_vec(pl.Series(days), pl.Series(ns))
    beyond = 0
    for day, n, out in zip(days, ns, got.to_list(), strict=True):
        try:
            expected = epoch_day(cal.add_working_days(from_epoch_day(day), n))
        except CalendarError:
            expected = BEYOND
            beyond += 1
        assert out == expected, (from_epoch_day(day), n)
    assert beyond >= 30  # the last 50 days with n = 20: most deadlines fall past the data


def test_add_working_days_vec_scalar_n_and_a_date_column(cal: WorkCalendar) -> None:
    days = [d for d in _random_epochs(cal, 500, seed=1) if d < cal.last_epoch - 30]
    column = pl.Series(days, dtype=pl.Int32)  # polars Date columns are int32 epoch days
    for n in (0, 1, 10):
        got = cal.add_working_days_vec(column, n)
        expected = [epoch_day(cal.add_working_days(from_epoch_day(d), n)) for d in days]
        assert got.to_list() == expected


def test_add_working_days_vec_beyond(cal: WorkCalendar) -> None:
    last = cal.last_epoch
    got = cal.add_working_days_vec(pl.Series([last, last, last - 400]), pl.Series([1, 0, 400]))
    assert got.to_list() == [BEYOND, last, BEYOND]
    assert BEYOND > epoch_day(dt.date(9999, 12, 31))


def test_working_days_between_vec_matches_scalar(cal: WorkCalendar) -> None:
    start = _random_epochs(cal, 3000, seed=2016)
    rng = random.Random(2026)
    end = [min(max(a + rng.randint(-60, 399), epoch_day(cal.first)), cal.last_epoch) for a in start]
    got = cal.working_days_between_vec(pl.Series(start), pl.Series(end))
    expected = [cal.working_days_between(from_epoch_day(a), from_epoch_day(b)) for a, b in zip(start, end, strict=True)]
    assert got.to_list() == expected
    assert (got < 0).any() and (got > 0).any()


def test_uncovered_mask(cal: WorkCalendar) -> None:
    days = pl.Series([epoch_day(cal.first) - 1, epoch_day(cal.first), cal.last_epoch, cal.last_epoch + 1])
    assert cal.uncovered(days).to_list() == [True, False, False, True]


# --------------------------------------------------------------------------- coverage errors
def test_date_outside_coverage_is_an_error(cal: WorkCalendar) -> None:
    for call in (
        lambda: cal.is_workday(D("2030-01-01")),
        lambda: cal.day_info(D("2030-01-01")),
        lambda: cal.add_working_days(D("2030-01-01"), 1),
        lambda: cal.deadline(D("2030-01-01"), 1, "working_days"),
        lambda: cal.working_days_between(D("2023-01-01"), D("2030-01-01")),
    ):
        with pytest.raises(CalendarError) as info:
            call()
        message = str(info.value)
        assert "日期 2030-01-01 超出工作日历数据的覆盖范围" in message
        assert cal.coverage_text() in message
        assert "--calendar" in message


def test_deadline_running_past_coverage_is_an_error(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarError) as info:
        cal.add_working_days(cal.last, 1)
    assert f"从 {cal.last.isoformat()} 起第 1 个工作日超出工作日历数据的覆盖范围" in str(info.value)
    assert "--calendar" in str(info.value)
    # calendar days and months need no holiday data
    assert cal.deadline(D("2030-01-01"), 1, "days") == D("2030-01-02")
    assert cal.deadline(D("2030-01-31"), 1, "months") == D("2030-02-28")


def test_cli_outside_coverage_exits_2_with_chinese_message(zwgk, cal: WorkCalendar) -> None:  # type: ignore[no-untyped-def]
    result = zwgk("calendar", "deadline", "2030-01-01", "1")
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        f"错误：日期 2030-01-01 超出工作日历数据的覆盖范围（{cal.coverage_text()}）。"
        "请用 --calendar 指定日历覆盖文件补充该年度国务院节假日安排（格式见 docs/calendar.md），或升级 chinesecalendar 包。\n"
    )
    assert "Traceback" not in result.err


# --------------------------------------------------------------------------- CLI acceptance
@pytest.mark.parametrize(
    ("args", "out"),
    [
        (("deadline", "2023-04-22", "1"), "2023-04-23"),
        (("deadline", "2020-01-23", "1"), "2020-02-03"),
        (("deadline", "2025-01-27", "1"), "2025-02-05"),
        (("deadline", "2023-03-10", "1"), "2023-03-13"),
        (("deadline", "2023-04-22", "0"), "2023-04-22"),
        (("deadline", "2023/4/22", "1"), "2023-04-23"),
        (("deadline", "2023年4月22日", "1"), "2023-04-23"),
        (("deadline", "2024-09-01", "40", "--unit", "working_days"), "2024-10-31"),
        (("deadline", "2023-09-28", "10", "--unit", "days"), "2023-10-08"),
        (("deadline", "2023-01-31", "1", "--unit", "months"), "2023-02-28"),
        (("deadline", "2023-04-22 09:30", "48", "--unit", "hours"), "2023-04-24 09:30"),
        (("deadline", "2023-04-22", "24", "--unit", "hours"), "2023-04-23 00:00"),
        (("is-workday", "2023-04-23"), "2023-04-23 星期日 工作日（周末调休上班）"),
        (("is-workday", "2023-04-22"), "2023-04-22 星期六 休息日（周末）"),
        (("is-workday", "2025-01-28"), "2025-01-28 星期二 休息日（法定节假日：春节）"),
        (("is-workday", "2023-03-10"), "2023-03-10 星期五 工作日"),
        (("between", "2023-04-21", "2023-04-24"), "2"),
        (("between", "2023-04-24", "2023-04-21"), "-2"),
        (("between", "2020-01-23", "2020-02-03"), "1"),
        (("between", "2023-03-10", "2023-03-10"), "0"),
    ],
)
def test_cli_calendar(zwgk, args: tuple[str, ...], out: str) -> None:  # type: ignore[no-untyped-def]
    result = zwgk("calendar", *args)
    assert (result.code, result.out, result.err) == (0, out + "\n", "")


def test_cli_bad_input_is_a_usage_error(zwgk) -> None:  # type: ignore[no-untyped-def]
    result = zwgk("calendar", "deadline", "2023-02-30", "1")
    assert result.code == 2
    assert "DATE 的日期 “2023-02-30” 不存在" in result.err
    result = zwgk("calendar", "deadline", "2023-04-22", "1", "--unit", "weeks")
    assert result.code == 2
    assert result.err.startswith("用法错误：")
    assert "Traceback" not in result.err


# --------------------------------------------------------------------------- overrides file
OVERRIDES_2027 = """\
# 假设的 2027 年安排（测试用）
2027:
  holidays:
    元旦: [2027-01-01..2027-01-03]
    春节: ["2027-02-05..2027-02-12"]
    劳动节: [2027-05-01 ~ 2027-05-05]
  workdays: [2027-01-31, 2027-2-20]
"""


def _write(tmp_path: Path, text: str, name: str = "overrides.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_overrides_add_a_year(tmp_path: Path) -> None:
    cal = WorkCalendar.load(_write(tmp_path, OVERRIDES_2027))
    assert cal.last == D("2027-12-31")
    assert cal.first == default_calendar().first
    assert cal.add_working_days(D("2026-12-31"), 1) == D("2027-01-04")  # New Year 01-01..03
    assert cal.add_working_days(D("2027-01-30"), 1) == D("2027-01-31")  # Sat → make-up Sun
    assert cal.add_working_days(D("2027-02-04"), 1) == D("2027-02-15")  # Spring Festival 02-05..12
    assert cal.add_working_days(D("2027-02-19"), 1) == D("2027-02-20")  # Fri → make-up Sat
    assert cal.add_working_days(D("2027-04-30"), 1) == D("2027-05-06")  # Labour Day range with "~"
    assert cal.add_working_days(D("2027-06-04"), 1) == D("2027-06-07")  # unlisted days: plain Mon–Fri
    assert cal.day_info(D("2027-02-08")).describe() == "2027-02-08 星期一 休息日（法定节假日：春节）"
    assert cal.day_info(D("2027-01-31")).describe() == "2027-01-31 星期日 工作日（周末调休上班）"
    assert cal.working_days_between(D("2027-01-29"), D("2027-02-15")) == 6  # 01-31, 02-01..04, 02-15
    # the package's years are untouched
    assert cal.add_working_days(D("2023-04-22"), 1) == D("2023-04-23")
    # and the vectorised API sees the new year too
    got = cal.add_working_days_vec(pl.Series([epoch_day(D("2027-02-04"))]), 1)
    assert got.to_list() == [epoch_day(D("2027-02-15"))]
    with pytest.raises(CalendarError, match="2027-01-01 至 2027-12-31|2004-01-01 至 2027-12-31"):
        cal.add_working_days(D("2027-12-31"), 1)


def test_overrides_can_correct_a_covered_year(tmp_path: Path) -> None:
    path = _write(tmp_path, "2024:\n  holidays: [2024-03-08]\n  workdays: [2024-03-09]\n")
    cal = WorkCalendar.load(path)
    assert cal.last == default_calendar().last
    assert cal.add_working_days(D("2024-03-07"), 1) == D("2024-03-09")
    # a holiday listed without a name is still described as a holiday, not a weekend
    assert cal.day_info(D("2024-03-08")).describe() == "2024-03-08 星期五 休息日（法定节假日）"
    assert default_calendar().add_working_days(D("2024-03-07"), 1) == D("2024-03-08")


def test_cli_with_overrides(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, OVERRIDES_2027)
    result = zwgk("calendar", "--calendar", path, "deadline", "2027-02-04", "1")
    assert (result.code, result.out, result.err) == (0, "2027-02-15\n", "")
    result = zwgk("calendar", "--calendar", path, "is-workday", "2027-01-31")
    assert (result.code, result.out) == (0, "2027-01-31 星期日 工作日（周末调休上班）\n")
    result = zwgk("calendar", "--calendar", path, "between", "2026-12-31", "2027-01-04")
    assert (result.code, result.out) == (0, "1\n")
    # the option may also follow the subcommand, where people tend to type it
    result = zwgk("calendar", "deadline", "2027-02-04", "1", "--calendar", path)
    assert (result.code, result.out, result.err) == (0, "2027-02-15\n", "")
    assert zwgk("calendar", "is-workday", "2027-01-31", "--calendar", path).out == "2027-01-31 星期日 工作日（周末调休上班）\n"
    assert zwgk("calendar", "between", "2026-12-31", "2027-01-04", "--calendar", path).out == "1\n"


NOT_A_DATE = "不是有效的日期（应为 2027-01-01 这样的日期，或 2027-02-05..2027-02-11 这样的区间）"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        pytest.param(
            "{gap}:\n  holidays: [{gap}-01-01]\n",
            ["{f}：覆盖年份不连续，缺少 {missing} 年的节假日安排（数据包覆盖 {first}–{last} 年）"],
            id="gap-year",
        ),
        pytest.param(
            "2027:\n  holidays:\n    春节: [2027-02-30]\n",
            [f"{{f}}：2027 年 holidays 中的 “2027-02-30” 无效：{NOT_A_DATE}"],
            id="bad-date-unquoted",
        ),
        pytest.param(
            '2027:\n  holidays: ["2027-2", abc, "2027-13-01..2027-13-02"]\n',
            [
                f"{{f}}：2027 年 holidays 中的 “2027-2” 无效：{NOT_A_DATE}",
                f"{{f}}：2027 年 holidays 中的 “abc” 无效：{NOT_A_DATE}",
                f"{{f}}：2027 年 holidays 中的 “2027-13-01..2027-13-02” 无效：{NOT_A_DATE}",
            ],
            id="bad-dates-text",
        ),
        pytest.param(
            "2027:\n  holidays: [2027-02-12..2027-02-05]\n",
            ["{f}：2027 年 holidays 中的 “2027-02-12..2027-02-05” 无效：区间结束早于开始"],
            id="reversed-range",
        ),
        pytest.param(
            "2027:\n  holidays: [2027-01-01]\n  workdays: [2028-01-02]\n",
            ["{f}：2027 年 workdays 中的 “2028-01-02” 无效：2028-01-02 不属于 2027 年"],
            id="wrong-year",
        ),
        pytest.param(
            "- 2027-01-01\n- 2027-01-02\n",
            ["{f}：日历覆盖文件应为以年份为键的映射，例如 “2027: {{holidays: [...], workdays: [...]}}”"],
            id="not-a-mapping",
        ),
        pytest.param(
            "",
            ["{f}：日历覆盖文件应为以年份为键的映射，例如 “2027: {{holidays: [...], workdays: [...]}}”"],
            id="empty",
        ),
        pytest.param(
            "2027:\n  holidays: [2027-01-01]\n  makeup: [2027-01-31]\n",
            ["{f}：2027 年只能包含 holidays 和 workdays 两个键"],
            id="unknown-key",
        ),
        pytest.param(
            "二〇二七:\n  holidays: [2027-01-01]\n",
            ["{f}：年份键 “二〇二七” 不是整数年份（如 2027）"],
            id="year-not-integer",
        ),
        pytest.param(
            "2027.9:\n  holidays: [2027-01-01]\n",
            ["{f}：年份键 “2027.9” 不是整数年份（如 2027）"],
            id="year-with-a-fraction",
        ),
        pytest.param(
            "2027:\n  holidays:\n    春节: [2027-02-05..2027-02-07]\n  workdays: [2027-02-06]\n",
            ["{f}：2027 年 workdays 中的 “2027-02-06” 无效：2027-02-06 同时列在 holidays 和 workdays 中，只能是其中之一"],
            id="holiday-and-workday",
        ),
    ],
)
def test_bad_overrides(tmp_path: Path, text: str, messages: list[str]) -> None:
    package = default_calendar()
    first, last = package.first.year, package.last.year
    gap = last + 2  # one year is missing between the package and this one
    path = _write(tmp_path, text.format(gap=gap))
    with pytest.raises(CalendarError) as info:
        WorkCalendar.load(path)
    expected = [m.format(f=path, missing=last + 1, first=first, last=last) for m in messages]
    assert info.value.problems == expected


def test_bad_overrides_through_the_cli(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "2027:\n  holidays: [2027-02-30]\n")
    result = zwgk("calendar", "--calendar", path, "deadline", "2027-01-04", "1")
    assert result.code == 2
    assert result.out == ""
    assert result.err == f"错误：{path}：2027 年 holidays 中的 “2027-02-30” 无效：{NOT_A_DATE}\n"
    missing = zwgk("calendar", "--calendar", tmp_path / "nope.yaml", "deadline", "2027-01-04", "1")
    assert missing.code == 2
    assert missing.err.startswith(f"错误：{tmp_path / 'nope.yaml'}：无法读取文件")


def test_overrides_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "2027:\n  holidays: [2027-01-01\n")
    with pytest.raises(CalendarError) as info:
        WorkCalendar.load(path)
    assert str(info.value).startswith(f"{path}:")
    assert "YAML 语法错误" in str(info.value)


def test_default_calendar_is_built_once() -> None:
    assert default_calendar() is default_calendar()
    assert calmod.UNITS == ("working_days", "days", "hours", "months")
