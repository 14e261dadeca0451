"""Time nodes (时间节点): the deadline words of the task-decomposition tables, parsed.

A task table's time column holds the bureau's own words. `parse_time_node(text, plan_year)`
turns them into a `TimeNode` of one of four kinds:

| kind | words (as the seeds write them) | due dates |
|---|---|---|
| ``once`` | 全年, 年底前, 2022年年底前, 9月底前, 1月31日前, 8月, 2020.3, 2024年7月底完成，长期坚持 | one date: 全年 / 年底前 → 12月31日 of the plan year; N月底前 / 2020.N → the last day of that month; M月D日前 → that day; 8月 → the whole of August (8月1日 to 8月31日) |
| ``recurring`` | 每年年底前, 每年的3月1日前, 按季度, 按季度公开, 每季度末 | every due date in the review year: 12月31日; 3月1日; the four quarter ends |
| ``continuous`` | 长期坚持, 实时, 征求意见期限不少于30日 | none: the task runs all year, so the review asks for progress evidence dated in the year |
| ``relative`` | 新规出台后1个月内, 文件公开后3个工作日内, 自收到申请之日起20个工作日内 | trigger date + offset (months, days, working days or hours): `due_after(trigger)` |

Notes on the seeds' own words:

* 全年 and 年底前 are due on 12月31日 of the plan year (DESIGN.md, 回头看). Tables without a time
  column (001 上海市公安局 2016, 003 江门市公安局 2022) set no time node; their task ledgers carry
  全年.
* A time node without a year (9月底前, 1月31日前, 8月) belongs to the plan year; a node that names
  its year (2022年年底前, 2020.6) keeps it.
* 前 includes the day itself: 1月31日前 is on time on 1月31日.
* 淄博市公安局 (002) puts statutory time limits in the time column, e.g. 首次解读材料应于文件公开后
  3 个工作日内公开 and 应当自收到申请之日起20个工作日内予以答复. They are relative nodes: each
  document or request starts its own clock (the trigger); the rule packs check every record.
  征求意见期限不少于 30 日 is a minimum period for every consultation, not a due date, so it is a
  continuous node that keeps the requirement's words.

Whitespace (2022 年), full-width digits (８月) and a cell repeating its own line (2020.12 written
twice across a page break) are tolerated. Anything else raises `TimeNodeError` naming the text:
an unreadable time node is an error, never "no deadline".

PASS: ``parse_time_node("9月底前", 2022).due_dates(2022) == [date(2022, 9, 30)]``
FAIL: ``parse_time_node("尽快", 2022)`` → TimeNodeError: 无法识别的时间节点“尽快”……
"""

from __future__ import annotations

import calendar as _months
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from checker.errors import CheckerError

if TYPE_CHECKING:
    from checker.calendar import WorkCalendar

Kind = Literal["once", "recurring", "continuous", "relative"]
Recurrence = Literal["yearly", "quarterly"]
KINDS: tuple[Kind, ...] = ("once", "recurring", "continuous", "relative")
KIND_LABELS: dict[str, str] = {"once": "一次性", "recurring": "周期性", "continuous": "持续性", "relative": "相对期限"}

# Offset units: the working-day calendar's own vocabulary (checker.calendar.UNITS).
_OFFSET_UNITS: dict[str, str] = {
    "个工作日": "working_days",
    "工作日": "working_days",
    "个月": "months",
    "日": "days",
    "天": "days",
    "个小时": "hours",
    "小时": "hours",
}
_UNIT_LABELS: dict[str, str] = {"working_days": "个工作日", "months": "个月", "days": "日", "hours": "小时"}
QUARTER_ENDS: tuple[tuple[int, int], ...] = ((3, 31), (6, 30), (9, 30), (12, 31))

ACCEPTED_FORMS = (
    "全年、年底前、2022年年底前、每年年底前、9月底前、1月31日前、每年的3月1日前、8月、2020.3、"
    "按季度、按季度公开、每季度末、长期坚持、实时、新规出台后1个月内、文件公开后3个工作日内、"
    "2024年7月底完成，长期坚持"
)


class TimeNodeError(CheckerError, ValueError):
    """A time node whose words this parser does not know (or a date that does not exist)."""

    def __init__(self, text: str, reason: str = "") -> None:
        self.text = text
        detail = reason or f"可识别的写法有：{ACCEPTED_FORMS}"
        super().__init__(f"无法识别的时间节点“{text}”：{detail}")


@dataclass(frozen=True)
class TimeNode:
    """One parsed time node. `text` keeps the table's words; the other fields depend on `kind`."""

    text: str
    kind: Kind
    plan_year: int
    due: dt.date | None = None  # once: the due date
    not_before: dt.date | None = None  # once: start of a window (8月 → 8月1日)
    then_continuous: bool = False  # once: "……完成，长期坚持"
    whole_year: bool = False  # once: 全年
    recurrence: Recurrence | None = None  # recurring
    month_day: tuple[int, int] | None = None  # recurring yearly: (month, day)
    offset_amount: int | None = None  # relative: trigger + amount unit
    offset_unit: str | None = None  # relative: working_days | days | months | hours
    trigger: str | None = None  # relative: the triggering event in the table's words
    requirement: str | None = None  # continuous: a standing requirement quoted from the text

    def due_dates(self, year: int, trigger: dt.date | None = None) -> list[dt.date]:
        """The dates by which the task must be done, for review year `year`.

        once: its date; recurring: each due date falling in `year`; continuous: none (the task
        needs progress evidence in the year instead); relative: trigger + offset, so a trigger
        date is required.
        """
        if self.kind == "once":
            assert self.due is not None
            return [self.due]
        if self.kind == "recurring":
            if self.recurrence == "quarterly":
                return [dt.date(year, month, day) for month, day in QUARTER_ENDS]
            assert self.month_day is not None
            return [_date(year, *self.month_day, text=self.text)]
        if self.kind == "continuous":
            return []
        if trigger is None:
            raise TimeNodeError(self.text, f"这是相对期限（{self.describe()}），需要提供触发日期（{self.trigger}的日期）才能计算截止日期")
        due = self.due_after(trigger)
        return [due.date() if isinstance(due, dt.datetime) else due]

    def due_after(self, trigger: dt.date | dt.datetime, calendar: WorkCalendar | None = None) -> dt.date | dt.datetime:
        """Relative nodes: the last day (hours: moment) still on time after `trigger`.

        Working days follow the statutory calendar (the start day is not counted).
        """
        if self.kind != "relative" or self.offset_amount is None or self.offset_unit is None:
            raise TimeNodeError(self.text, f"“{self.describe()}”不是相对期限，没有触发日期")
        if calendar is None:
            from checker.calendar import default_calendar

            calendar = default_calendar()
        return calendar.deadline(trigger, self.offset_amount, self.offset_unit)

    def describe(self) -> str:
        """What the node means, in Chinese, with the concrete dates where there are any."""
        if self.kind == "once":
            assert self.due is not None
            due = _zh_date(self.due)
            if self.whole_year:
                return f"全年（{due}前完成）"
            if self.not_before is not None:
                return f"{self.due.year}年{self.due.month}月内（{self.not_before.month}月{self.not_before.day}日至{self.due.month}月{self.due.day}日）"
            if self.then_continuous:
                return f"{due}前完成，此后长期坚持"
            return f"{due}前"
        if self.kind == "recurring":
            if self.recurrence == "quarterly":
                return "每季度末（3月31日、6月30日、9月30日、12月31日前）"
            assert self.month_day is not None
            return f"每年{self.month_day[0]}月{self.month_day[1]}日前"
        if self.kind == "continuous":
            if self.requirement:
                return f"持续执行：{self.requirement}（逐项执行，需有当年的工作佐证）"
            return f"{normalise(self.text)}（全年持续开展，需有当年的工作佐证）"
        assert self.offset_unit is not None
        return f"{self.trigger}后{self.offset_amount}{_UNIT_LABELS[self.offset_unit]}内（自{self.trigger}之日起算）"


def parse_time_node(text: str, plan_year: int) -> TimeNode:
    """Parse a table's time node; raise `TimeNodeError` naming the text when it is not known."""
    words = normalise(text)
    if not words:
        raise TimeNodeError(text, "时间节点为空（表格没有时间节点列时请填写“全年”）")
    for parse in _PARSERS:
        node = parse(words, text, plan_year)
        if node is not None:
            return node
    raise TimeNodeError(text)


def normalise(text: str) -> str:
    """One comparable line: NFKC (８ → 8, ， → ,), no whitespace, repeated lines once, no final 。."""
    lines: list[str] = []
    for line in unicodedata.normalize("NFKC", text).splitlines():
        line = re.sub(r"\s+", "", line)
        if line and (not lines or lines[-1] != line):
            lines.append(line)
    return "".join(lines).rstrip("。.")


# --------------------------------------------------------------------------- the grammar
def _once(text: str, plan_year: int, due: dt.date, **extra: object) -> TimeNode:
    return TimeNode(text=text, kind="once", plan_year=plan_year, due=due, **extra)  # type: ignore[arg-type]


def _whole_year(words: str, text: str, plan_year: int) -> TimeNode | None:
    if words == "全年":
        return _once(text, plan_year, dt.date(plan_year, 12, 31), whole_year=True)
    match = re.fullmatch(r"(?:(\d{4})年)?年底前", words)
    if match:
        year = int(match[1]) if match[1] else plan_year
        return _once(text, plan_year, dt.date(year, 12, 31))
    return None


def _month_end(words: str, text: str, plan_year: int) -> TimeNode | None:
    # 9月底前, 2022年9月底前, 2024年7月底完成，长期坚持
    match = re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月底(前|完成)(,长期坚持)?", words)
    if not match:
        return None
    year = int(match[1]) if match[1] else plan_year
    due = _month_last_day(year, int(match[2]), text)
    return _once(text, plan_year, due, then_continuous=bool(match[4]))


def _day(words: str, text: str, plan_year: int) -> TimeNode | None:
    # 1月31日前, 2022年1月31日前
    match = re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日前", words)
    if not match:
        return None
    year = int(match[1]) if match[1] else plan_year
    return _once(text, plan_year, _date(year, int(match[2]), int(match[3]), text=text))


def _month(words: str, text: str, plan_year: int) -> TimeNode | None:
    # 8月, 2022年8月: the whole month
    match = re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月", words)
    if not match:
        return None
    year = int(match[1]) if match[1] else plan_year
    due = _month_last_day(year, int(match[2]), text)
    return _once(text, plan_year, due, not_before=due.replace(day=1))


def _dotted_month(words: str, text: str, plan_year: int) -> TimeNode | None:
    # 2020.3, 2020.12: the end of that month
    match = re.fullmatch(r"(\d{4})\.(\d{1,2})", words)
    if not match:
        return None
    return _once(text, plan_year, _month_last_day(int(match[1]), int(match[2]), text))


def _recurring(words: str, text: str, plan_year: int) -> TimeNode | None:
    if words in ("按季度", "按季度公开", "每季度末"):
        return TimeNode(text=text, kind="recurring", plan_year=plan_year, recurrence="quarterly")
    if words == "每年年底前":
        return TimeNode(text=text, kind="recurring", plan_year=plan_year, recurrence="yearly", month_day=(12, 31))
    match = re.fullmatch(r"每年的?(\d{1,2})月(\d{1,2})日前", words)
    if match:
        month, day = int(match[1]), int(match[2])
        if (month, day) == (2, 29):
            raise TimeNodeError(text, "2月29日并非每年都有，不能作为每年的时间节点")
        _date(plan_year, month, day, text=text)
        return TimeNode(text=text, kind="recurring", plan_year=plan_year, recurrence="yearly", month_day=(month, day))
    return None


def _continuous(words: str, text: str, plan_year: int) -> TimeNode | None:
    if words in ("长期坚持", "实时"):
        return TimeNode(text=text, kind="continuous", plan_year=plan_year)
    # 重大行政决策向社会公开征求意见的，征求意见期限不少于30日: a minimum period for each
    # consultation, kept as a standing requirement.
    match = re.search(r"([^,;，；]*期限不少于\d+(?:个工作日|日|天))", words)
    if match:
        return TimeNode(text=text, kind="continuous", plan_year=plan_year, requirement=match[1])
    return None


_RELATIVE = re.compile(r"(?:之日起|后的?)(\d+)(个工作日|工作日|个月|个小时|小时|日|天)内")


def _relative(words: str, text: str, plan_year: int) -> TimeNode | None:
    # 新规出台后1个月内; 首次解读材料应于文件公开后3个工作日内公开; 应当自收到申请之日起20个工作日内予以答复
    for clause in re.split(r"[,;，；]", words):
        match = _RELATIVE.search(clause)
        if not match:
            continue
        trigger = re.split(r"[于自]", clause[: match.start()])[-1]
        if not trigger:
            continue
        return TimeNode(
            text=text,
            kind="relative",
            plan_year=plan_year,
            offset_amount=int(match[1]),
            offset_unit=_OFFSET_UNITS[match[2]],
            trigger=trigger,
        )
    return None


_PARSERS = (_whole_year, _month_end, _day, _month, _dotted_month, _recurring, _continuous, _relative)


# --------------------------------------------------------------------------- dates
def _date(year: int, month: int, day: int, *, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise TimeNodeError(text, f"{year}年{month}月{day}日不是有效日期") from None


def _month_last_day(year: int, month: int, text: str) -> dt.date:
    if not 1 <= month <= 12:
        raise TimeNodeError(text, f"{month}月不是有效月份")
    return dt.date(year, month, _months.monthrange(year, month)[1])


def _zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
