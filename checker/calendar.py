"""The statutory working-day calendar of the People's Republic of China.

Working days are Monday to Friday, minus statutory holidays, plus the weekend make-up working
days (调休上班日) that the State Council announces each year. The data comes from the maintained
`chinesecalendar` package; a YAML overrides file can add a year the package does not know yet
(or correct a day) without waiting for a release.

Counting convention (期间开始之日不计算在内, 民法典 art. 201): "within N working days of D" ends
at the end of the N-th working day strictly after the calendar date of D. N = 0 means the same
day. A Friday receipt with N = 1 is due on Monday; a Saturday receipt with N = 1 is due on the
first working day after that Saturday, which is Sunday when Sunday is a make-up working day.

Every day in the covered years gets a slot in a precomputed ordinal table:

* ``cum[i]``     number of working days on or before day ``i``;
* ``workdays[k]`` the day index of the (k+1)-th working day.

"N-th working day after D" is then ``workdays[cum[D] + N - 1]`` and "working days in (A, B]" is
``cum[B] - cum[A]``: two array look-ups, so whole columns of deadlines cost one polars gather.
(`chinese_calendar.find_workday` first moves a non-working start forward and so gets Saturday
starts wrong; nothing here is built on it.)
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import CalendarError

if TYPE_CHECKING:
    import polars as pl

EPOCH = dt.date(1970, 1, 1)
UNITS = ("working_days", "days", "hours", "months")
UNIT_LABELS = {"working_days": "个工作日", "days": "日", "hours": "小时", "months": "个月"}
WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
OVERRIDES_HINT = "请用 --calendar 指定日历覆盖文件补充该年度国务院节假日安排（格式见 docs/calendar.md），或升级 chinesecalendar 包"


def epoch_day(day: dt.date) -> int:
    """Days since 1970-01-01, the integer form polars uses for Date columns."""
    return (day - EPOCH).days


def from_epoch_day(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


@dataclass(frozen=True)
class DayInfo:
    """What a single day is, for people asking `zwgk calendar is-workday`."""

    day: dt.date
    is_workday: bool
    holiday_name: str | None  # statutory holiday name, when the day is one
    makeup: bool  # a weekend day that is a make-up working day

    def describe(self) -> str:
        weekday = WEEKDAYS_ZH[self.day.weekday()]
        if self.makeup:
            kind = "工作日（周末调休上班）"
        elif self.is_workday:
            kind = "工作日"
        elif self.holiday_name:
            kind = f"休息日（法定节假日：{self.holiday_name}）"
        elif self.day.weekday() < 5:  # a holiday from an overrides file listed without a name
            kind = "休息日（法定节假日）"
        else:
            kind = "休息日（周末）"
        return f"{self.day.isoformat()} {weekday} {kind}"


class WorkCalendar:
    """Working days over a contiguous range of covered years."""

    def __init__(self, first_year: int, last_year: int, flags: list[bool], names: dict[dt.date, str]) -> None:
        self.first = dt.date(first_year, 1, 1)
        self.last = dt.date(last_year, 12, 31)
        if len(flags) != (self.last - self.first).days + 1:
            raise ValueError("flags must cover every day of the covered years")
        self._flags = [bool(f) for f in flags]
        self._cum = list(itertools.accumulate(int(f) for f in self._flags))
        self._workdays = [i for i, f in enumerate(self._flags) if f]
        self._names = names
        self._first_epoch = epoch_day(self.first)
        self._last_epoch = epoch_day(self.last)
        self._series: tuple[pl.Series, pl.Series] | None = None

    def _tables(self) -> tuple[pl.Series, pl.Series]:
        """`cum` and `workdays` as polars Series, built on first vectorised use."""
        if self._series is None:
            import polars as pl

            self._series = (pl.Series("cum", self._cum, dtype=pl.Int64), pl.Series("workdays", self._workdays, dtype=pl.Int64))
        return self._series

    # ----------------------------------------------------------------- construction
    @classmethod
    def load(cls, overrides: Path | None = None) -> WorkCalendar:
        """The package's data, with an optional YAML overrides file applied."""
        days, names, first_year, last_year = _package_days()
        if overrides is not None:
            first_year, last_year = _apply_overrides(overrides, days, names, first_year, last_year)
        start = dt.date(first_year, 1, 1)
        count = (dt.date(last_year, 12, 31) - start).days + 1
        flags = []
        for i in range(count):
            day = start + dt.timedelta(days=i)
            flags.append(days.get(day, day.weekday() < 5))
        return cls(first_year, last_year, flags, names)

    # ----------------------------------------------------------------- scalar API
    def coverage_text(self) -> str:
        return f"{self.first.isoformat()} 至 {self.last.isoformat()}"

    def _index(self, day: dt.date) -> int:
        if not self.first <= day <= self.last:
            raise CalendarError(
                f"日期 {day.isoformat()} 超出工作日历数据的覆盖范围（{self.coverage_text()}）。{OVERRIDES_HINT}。"
            )
        return (day - self.first).days

    def is_workday(self, day: dt.date) -> bool:
        return self._flags[self._index(day)]

    def day_info(self, day: dt.date) -> DayInfo:
        work = self.is_workday(day)
        return DayInfo(
            day=day,
            is_workday=work,
            holiday_name=None if work else self._names.get(day),
            makeup=work and day.weekday() >= 5,
        )

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The N-th working day strictly after `day` (N = 0: `day` itself)."""
        if n < 0:
            raise CalendarError(f"工作日数不能为负数：{n}")
        if n == 0:  # 当日: the day itself, working day or not (needs no calendar data)
            return day
        i = self._index(day)
        k = self._cum[i] + n - 1
        if k >= len(self._workdays):
            raise CalendarError(
                f"从 {day.isoformat()} 起第 {n} 个工作日超出工作日历数据的覆盖范围（{self.coverage_text()}）。{OVERRIDES_HINT}。"
            )
        return self.first + dt.timedelta(days=self._workdays[k])

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: the start day is not counted, the end day is.

        Negative when `end` is before `start`.
        """
        return self._cum[self._index(end)] - self._cum[self._index(start)]

    def deadline(self, start: dt.datetime | dt.date, amount: int, unit: str) -> dt.date | dt.datetime:
        """The last moment (hours) or last day (other units) that is still on time."""
        if unit not in UNITS:
            raise CalendarError(f"未知的期限单位：{unit}（可选：{'、'.join(UNITS)}）")
        if amount < 0:
            raise CalendarError(f"期限不能为负数：{amount}")
        if unit == "hours":
            moment = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
            return moment + dt.timedelta(hours=amount)
        day = start.date() if isinstance(start, dt.datetime) else start
        if unit == "working_days":
            return self.add_working_days(day, amount)
        if unit == "days":
            return day + dt.timedelta(days=amount)
        from dateutil.relativedelta import relativedelta

        return day + relativedelta(months=amount)

    # ----------------------------------------------------------------- vectorised API
    # Epoch-day columns in, polars Series out (Int64; masks Boolean). No nulls: callers filter.
    def uncovered(self, days: pl.Series) -> pl.Series:
        """Mask of epoch days outside the covered range (callers name those rows)."""
        return ((days < self._first_epoch) | (days > self._last_epoch)).fill_null(False)

    def add_working_days_vec(self, days: pl.Series, n: pl.Series | int) -> pl.Series:
        """Vectorised `add_working_days` on epoch days, all of which must be covered.

        A result past the covered range is returned as `BEYOND` (the deadline is certainly later
        than `self.last`; callers decide whether that still settles the record).
        """
        import polars as pl

        cum, workdays = self._tables()
        days = days.cast(pl.Int64)
        counts = n.cast(pl.Int64) if isinstance(n, pl.Series) else pl.repeat(n, len(days), dtype=pl.Int64, eager=True)
        k = cum.gather(days - self._first_epoch) + counts - 1
        beyond = k >= len(self._workdays)
        frame = pl.DataFrame({"days": days, "n": counts, "k": k, "beyond": beyond})
        safe = frame.select(pl.when(pl.col("beyond") | (pl.col("n") == 0)).then(0).otherwise(pl.col("k"))).to_series()
        out = workdays.gather(safe) + self._first_epoch
        return frame.with_columns(out.alias("out")).select(
            pl.when(pl.col("n") == 0).then(pl.col("days")).when(pl.col("beyond")).then(pl.lit(BEYOND, dtype=pl.Int64)).otherwise(pl.col("out"))
        ).to_series().alias("day")

    def working_days_between_vec(self, start: pl.Series, end: pl.Series) -> pl.Series:
        """Vectorised working days in (start, end] on covered epoch days."""
        import polars as pl

        cum, _ = self._tables()
        return cum.gather(end.cast(pl.Int64) - self._first_epoch) - cum.gather(start.cast(pl.Int64) - self._first_epoch)

    @property
    def last_epoch(self) -> int:
        return self._last_epoch


BEYOND = (2**63 - 1) // 4  # a day index past any calendar, still far from int64 overflow


# --------------------------------------------------------------------- data sources
def _package_days() -> tuple[dict[dt.date, bool], dict[dt.date, str], int, int]:
    """Explicit day flags and holiday names from chinesecalendar, and its covered years."""
    from chinese_calendar import constants

    days: dict[dt.date, bool] = {}
    names: dict[dt.date, str] = {}
    for day, holiday in constants.holidays.items():
        days[day] = False
        names[day] = _holiday_name(holiday)
    for day in constants.workdays:
        days[day] = True
    years = sorted({d.year for d in constants.holidays})
    return days, names, years[0], years[-1]


_HOLIDAY_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _holiday_name(holiday: Any) -> str:
    value = getattr(holiday, "value", holiday)
    english = value[0] if isinstance(value, tuple) else str(value)
    return _HOLIDAY_ZH.get(english, english)


_RANGE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(?:\.\.|~|至)\s*(\d{4}-\d{1,2}-\d{1,2})\s*$")


def _apply_overrides(
    path: Path, days: dict[dt.date, bool], names: dict[dt.date, str], first_year: int, last_year: int
) -> tuple[int, int]:
    """Apply a YAML overrides file in place; return the new covered years.

    Format (one key per year; days may be single dates or `A..B` ranges)::

        2027:
          holidays:
            元旦: [2027-01-01]
            春节: [2027-02-05..2027-02-11]
          workdays: [2027-02-14]
    """
    from checker.yamlio import TextDatesLoader, parse_yaml, read_text

    where = str(path)
    # Dates stay text so that `2027-02-30` gets the Chinese message below instead of escaping
    # PyYAML's date constructor as a bare ValueError (an internal error in the CLI).
    data, _ = parse_yaml(read_text(path, error=CalendarError), where, error=CalendarError, loader_class=TextDatesLoader)
    if not isinstance(data, dict) or not data:
        raise CalendarError(f"{where}：日历覆盖文件应为以年份为键的映射，例如 “2027: {{holidays: [...], workdays: [...]}}”")
    added: set[int] = set()
    problems: list[str] = []
    for year_key, spec in data.items():
        if isinstance(year_key, bool) or not (isinstance(year_key, int) or (isinstance(year_key, str) and year_key.strip().isascii() and year_key.strip().isdigit())):
            problems.append(f"{where}：年份键 “{year_key}” 不是整数年份（如 2027）")
            continue
        year = int(year_key)
        if not isinstance(spec, dict) or set(spec) - {"holidays", "workdays"}:
            problems.append(f"{where}：{year} 年只能包含 holidays 和 workdays 两个键")
            continue
        listed: dict[dt.date, str] = {}  # day -> the key that listed it, in this file
        for key, is_work in (("holidays", False), ("workdays", True)):
            for name, raw in _named_entries(spec.get(key) or []):
                try:
                    for day in _expand(raw):
                        if day.year != year:
                            raise ValueError(f"{day.isoformat()} 不属于 {year} 年")
                        if listed.get(day, key) != key:
                            raise ValueError(f"{day.isoformat()} 同时列在 holidays 和 workdays 中，只能是其中之一")
                        listed[day] = key
                        days[day] = is_work
                        if name and not is_work:
                            names[day] = name
                except ValueError as exc:
                    problems.append(f"{where}：{year} 年 {key} 中的 “{raw}” 无效：{exc}")
        added.add(year)
    if problems:
        raise CalendarError(problems)
    years = sorted(set(range(first_year, last_year + 1)) | added)
    gaps = [y for y in range(years[0], years[-1] + 1) if y not in years]
    if gaps:
        raise CalendarError(
            f"{where}：覆盖年份不连续，缺少 {'、'.join(map(str, gaps))} 年的节假日安排（数据包覆盖 {first_year}–{last_year} 年）"
        )
    return years[0], years[-1]


def _named_entries(value: Any) -> list[tuple[str | None, Any]]:
    if isinstance(value, dict):
        return [(str(name), item) for name, items in value.items() for item in (items if isinstance(items, list) else [items])]
    if isinstance(value, list):
        return [(None, item) for item in value]
    return [(None, value)]


def _expand(raw: Any) -> list[dt.date]:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return [raw]
    text = str(raw)
    match = _RANGE.match(text)
    if match:
        a, b = (_parse_day(x) for x in match.groups())
        if b < a:
            raise ValueError("区间结束早于开始")
        return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]
    return [_parse_day(text)]


def _parse_day(text: str) -> dt.date:
    try:
        y, m, d = text.strip().split("-")
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        raise ValueError("不是有效的日期（应为 2027-01-01 这样的日期，或 2027-02-05..2027-02-11 这样的区间）") from None


_DEFAULT: WorkCalendar | None = None


def default_calendar() -> WorkCalendar:
    """The package calendar without overrides, built once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = WorkCalendar.load()
    return _DEFAULT
