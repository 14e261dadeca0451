"""A deterministic demo evidence set for a fictional 分局 (the README's first command).

云溪区公安分局 does not exist. Ten departments keep a year of ledgers the way real offices do:
consultations split per department as CSV (some saved by Chinese Excel in GBK, some as
"CSV UTF-8"; each clerk types dates their own way), FOI requests in a workbook with a title
banner, merged department cells and Excel date cells, policy documents and their
interpretations as two sheets of one workbook, and the rest as CSV. The data holds a believable
mix of on-time, late, missing and pending items, the make-up working days (调休上班日) and
holidays that catch naive working-day code, and departments that do well and badly, so the
report shows passes, failures and pending findings side by side.

Same year and seed → the same bytes. Every field of every kind is generated except the tasks'
own words: for 2022 the bureau works to the real 2022 Songjiang table (its shipped ledger,
`rules/ledgers/tasks_songjiang-psb-2022.csv`), and the demo fills in completion dates and
evidence, with a few tasks late, undone or without evidence, for the 回头看 walkthrough.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from checker.calendar import WorkCalendar, default_calendar
from checker.evidence.schema import KINDS

BUREAU = "云溪区公安分局"
DEFAULT_CONSULTATIONS = 600


@dataclass(frozen=True)
class Department:
    name: str
    volume: int  # relative share of consultations and FOI requests
    late: float  # share of consultations answered late
    silent: float  # share of consultations never answered
    encoding: str  # how its CSV is saved: "gbk" (Chinese Excel's "CSV") or "utf-8-sig" ("CSV UTF-8")
    style: str  # how its clerk types dates: iso 2022-03-05 14:30 | slash 2022/3/5 14:30 | zh 2022年3月5日 14时30分
    diverse: float  # share of interpretations in forms other than plain text


DEPARTMENTS = (
    Department("指挥处", 6, 0.0, 0.0, "utf-8-sig", "iso", 0.7),
    Department("政治处", 2, 0.0, 0.0, "gbk", "slash", 0.6),
    Department("法制支队", 4, 0.02, 0.0, "utf-8-sig", "iso", 0.3),
    Department("治安支队", 10, 0.06, 0.01, "gbk", "slash", 0.4),
    Department("交警支队", 18, 0.12, 0.02, "gbk", "slash", 0.75),
    Department("刑侦支队", 3, 0.0, 0.0, "utf-8-sig", "zh", 0.6),
    Department("出入境管理办公室", 12, 0.03, 0.0, "utf-8-sig", "iso", 0.8),
    Department("人口管理办公室", 14, 0.05, 0.01, "gbk", "zh", 0.65),
    Department("网安支队", 3, 0.0, 0.0, "utf-8-sig", "iso", 0.7),
    Department("警务保障处", 2, 0.0, 0.0, "gbk", "slash", 0.6),
)
DEPT = {d.name: d for d in DEPARTMENTS}
OFFICE = "指挥处"  # keeps the bureau-wide ledgers (政务公开 office)
APPROVERS = ("张建国", "李卫东", "王晓红")

Row = list[str]


def build_demo_evidence(folder: Path, *, year: int = 2022, seed: int = 2022, rows: int | None = None) -> Path:
    """Write the demo ledgers for review `year` into `folder` and return it.

    `rows` sets the number of consultations (default a few hundred; benchmarks ask for more).
    The check is meant to run as of March 1 of `year + 1`.
    """
    demo = _Demo(year=year, rng=random.Random(seed), cal=default_calendar())
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows_by_dept in demo.consultations(DEFAULT_CONSULTATIONS if rows is None else rows).items():
        dept = DEPT[name]
        _write_csv(folder / f"consultations_{name}.csv", _labels("consultation"), rows_by_dept, dept.encoding)
    _write_foi_workbook(folder / "foi_requests.xlsx", demo, demo.foi_requests())
    documents, interpretations = demo.policy_documents()
    _write_workbook(
        folder / "政策文件与解读.xlsx",
        [(KINDS["policy_document"].label, _labels("policy_document"), documents), (KINDS["interpretation"].label, _labels("interpretation"), interpretations)],
    )
    _write_csv(folder / "decisions.csv", _labels("decision"), demo.decisions(), "utf-8-sig")
    _write_csv(folder / "emergencies.csv", _labels("emergency"), demo.emergencies(), "gbk")
    _write_csv(folder / "activities.csv", _labels("activity"), demo.activities(), "utf-8-sig")
    _write_csv(folder / "publications.csv", _labels("publication"), demo.publications(), "gbk")
    tasks = demo.tasks()
    if tasks:
        _write_csv(folder / "tasks.csv", _labels("task"), tasks, "utf-8-sig")
    # An IT system's export: English field names as headers.
    _write_csv(folder / "facts.csv", list(KINDS["fact"].field_names), demo.facts(), "utf-8")
    (folder / "说明.txt").write_text(
        f"{BUREAU}（虚构）{year}年度政务公开佐证台账，由 zwgk demo 生成，仅供演示。\n", encoding="utf-8"
    )
    return folder


def _labels(kind: str) -> list[str]:
    return [f.label for f in KINDS[kind].fields]


# --------------------------------------------------------------------------- formatting
def fmt_moment(moment: dt.datetime, style: str = "iso") -> str:
    if style == "slash":
        return f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment.minute:02d}"
    if style == "zh":
        return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour}时{moment.minute:02d}分"
    return moment.strftime("%Y-%m-%d %H:%M")


def fmt_day(day: dt.date, style: str = "iso") -> str:
    if style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if style == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "dot":
        return f"{day.year}.{day.month}.{day.day}"
    return day.isoformat()


def _label(kind: str, field: str, value: str) -> str:
    return KINDS[kind].field(field).value_labels[value]


# --------------------------------------------------------------------------- the generator
@dataclass
class _Demo:
    year: int
    rng: random.Random
    cal: WorkCalendar
    # Memos: the benchmarks ask for a million consultations over the same 365 days.
    _wd: dict[tuple[dt.date, int], dt.date] = field(default_factory=dict)
    _work: dict[dt.date, bool] = field(default_factory=dict)

    # ------------------------------------------------------------------ calendar helpers
    @property
    def as_of(self) -> dt.date:
        return dt.date(self.year + 1, 3, 1)

    def days(self, year: int | None = None) -> list[dt.date]:
        y = self.year if year is None else year
        first = dt.date(y, 1, 1)
        return [first + dt.timedelta(days=i) for i in range((dt.date(y + 1, 1, 1) - first).days)]

    def workdays(self, year: int | None = None) -> list[dt.date]:
        return [d for d in self.days(year) if self.cal.is_workday(d)]

    def makeup_days(self) -> list[dt.date]:
        return [d for d in self.days() if d.weekday() >= 5 and self.cal.is_workday(d)]

    def holidays(self) -> list[dt.date]:
        """Weekdays off: the statutory holidays of the year."""
        return [d for d in self.days() if d.weekday() < 5 and not self.cal.is_workday(d)]

    def wd(self, day: dt.date, n: int) -> dt.date:
        key = (day, n)
        if key not in self._wd:
            self._wd[key] = self.cal.add_working_days(day, n)
        return self._wd[key]

    def is_workday(self, day: dt.date) -> bool:
        if day not in self._work:
            self._work[day] = self.cal.is_workday(day)
        return self._work[day]

    def at(self, day: dt.date, start_hour: int = 9, end_hour: int = 17) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(self.rng.randint(start_hour, end_hour), self.rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50))))

    def pick(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def department(self, names: Sequence[str] | None = None) -> Department:
        pool = [DEPT[n] for n in names] if names else DEPARTMENTS
        return self.rng.choices(pool, cum_weights=list(accumulate(d.volume for d in pool)))[0]

    # ------------------------------------------------------------------ consultations
    def consultations(self, count: int) -> dict[str, list[Row]]:
        """Per department, sorted by receipt; the make-up-weekend cases go to the office."""
        items: list[tuple[dt.datetime, str, str, dt.datetime | None]] = list(self._makeup_cases())
        workdays, all_days = self.workdays(), self.days()
        channels = {"online_platform": 0.55, "hotline_12345": 0.25, "mailbox": 0.1, "website": 0.1}
        for _ in range(max(count - len(items), 0)):
            dept = self.department()
            channel = self.pick(channels)
            # Online channels run all week, holidays included; the rest mostly on working days.
            on_any_day = channel in ("online_platform", "website") and self.rng.random() < 0.25
            day = self.rng.choice(all_days if on_any_day else workdays)
            received = dt.datetime.combine(day, dt.time(self.rng.randint(7, 22), self.rng.randrange(60)))
            items.append((received, dept.name, channel, self._reply(received, dept)))
        items.sort(key=lambda item: (item[0], item[1], item[2]))
        out: dict[str, list[Row]] = {d.name: [] for d in DEPARTMENTS}
        for number, (received, dept_name, channel, replied) in enumerate(items, start=1):
            style = DEPT[dept_name].style
            out[dept_name].append(
                [
                    f"ZX{self.year}-{number:05d}",
                    dept_name,
                    _label("consultation", "channel", channel),
                    fmt_moment(received, style),
                    fmt_moment(replied, style) if replied else "",
                ]
            )
        return {name: rows for name, rows in out.items() if rows}

    def _reply(self, received: dt.datetime, dept: Department) -> dt.datetime | None:
        roll = self.rng.random()
        if roll < dept.silent:
            return None
        due = self.wd(received.date(), 1)
        if roll < dept.silent + dept.late:
            day = self.wd(due, self.rng.randint(1, 4))
        elif self.is_workday(received.date()) and received.hour < 15 and self.rng.random() < 0.45:
            day = received.date()
        else:
            day = due
        replied = self.at(day, 8, 18)
        return max(replied, received + dt.timedelta(minutes=self.rng.randint(20, 90)))

    def _makeup_cases(self) -> list[tuple[dt.datetime, str, str, dt.datetime | None]]:
        """Around each make-up working day M: the working day before M (due on M), a holiday
        before M (due on M), and a receipt on M itself, answered late once."""
        cases: list[tuple[dt.datetime, str, str, dt.datetime | None]] = []
        makeup = self.makeup_days()
        # The late one: a make-up Saturday followed by a make-up Sunday when the year has one
        # (2022-10-08: due on Sunday 10-09, so a Tuesday answer is late; naive code says on time).
        pairs = [m for m in makeup if m + dt.timedelta(days=1) in makeup]
        late_day = pairs[-1] if pairs else makeup[-1] if makeup else None
        for m in makeup:
            before = m - dt.timedelta(days=1)
            while not self.cal.is_workday(before):
                before -= dt.timedelta(days=1)
            cases.append((dt.datetime.combine(before, dt.time(16, 0)), OFFICE, "online_platform", dt.datetime.combine(m, dt.time(10, 0))))
            gap = [before + dt.timedelta(days=i) for i in range(1, (m - before).days)]
            off = [d for d in gap if not self.cal.is_workday(d)]
            if off:
                cases.append((dt.datetime.combine(off[0], dt.time(9, 0)), OFFICE, "online_platform", dt.datetime.combine(m, dt.time(17, 0))))
            late = m == late_day
            reply_day = self.wd(m, 3 if late else 1)
            cases.append((dt.datetime.combine(m, dt.time(11, 0)), OFFICE, "online_platform", dt.datetime.combine(reply_day, dt.time(9, 0))))
        return cases

    # ------------------------------------------------------------------ FOI requests
    def foi_requests(self) -> list[dict[str, object]]:
        """Replied within the time limit (restart on correction, third-party time excluded,
        approved and notified extensions), legal grounds sometimes missing, and requests from
        the last days of the year still within their extended limit on the review date."""
        records: list[dict[str, object]] = []
        workdays = [d for d in self.workdays() if d <= dt.date(self.year, 12, 15)]
        outcomes = {"disclosed": 0.55, "partial": 0.15, "withheld": 0.1, "not_held": 0.12, "not_processed": 0.05, "other": 0.03}
        bases = ("《中华人民共和国政府信息公开条例》第十四条", "《中华人民共和国政府信息公开条例》第十五条", "《中华人民共和国政府信息公开条例》第十六条")
        for _ in range(190):
            dept = self.department()
            received = self.at(self.rng.choice(workdays), 9, 16)
            start = received.date()
            record: dict[str, object] = {"department": dept.name, "received_at": received}
            if self.rng.random() < 0.1:
                start = self.wd(start, self.rng.randint(2, 8))
                record["corrected_at"] = start
            if self.rng.random() < 0.08:
                first = self.wd(start, 3)
                record["third_party_from"] = first
                record["third_party_to"] = first + dt.timedelta(days=self.rng.randint(5, 15))
            if self.rng.random() < 0.07:
                record.update(extended=True, extension_approved_by=self.rng.choice(APPROVERS), extension_notified_at=self.wd(start, self.rng.randint(15, 19)))
                record["replied_at"] = self.wd(start, self.rng.randint(24, 36))
            else:
                record["extended"] = False
                record["replied_at"] = self.wd(start, self.rng.randint(3, 19))
            outcome = self.pick(outcomes)
            record["outcome"] = outcome
            if outcome in ("withheld", "partial"):
                # 治安支队 forgets to cite the ground now and then.
                record["legal_basis"] = "" if dept.name == "治安支队" and self.rng.random() < 0.5 else self.rng.choice(bases)
            records.append(record)
        records += self._pending_foi()
        records.sort(key=lambda r: (str(r["received_at"]), str(r["department"])))
        for number, record in enumerate(records, start=1):
            record["id"] = f"YSQ{self.year}-{number:03d}"
        return records

    def _pending_foi(self) -> list[dict[str, object]]:
        """Received late in December, third parties consulted over the new year, extension
        approved and notified: still within the limit on March 1, so pending, not failed."""
        out: list[dict[str, object]] = []
        december = [d for d in self.workdays() if d >= dt.date(self.year, 12, 19)]
        for i, name in enumerate(("交警支队", "出入境管理办公室", "人口管理办公室", "交警支队")):
            received = self.at(december[(i * 3) % len(december)], 9, 16)
            start = received.date()
            first = self.wd(start, 2)
            last = first + dt.timedelta(days=30)
            while self._foi_deadline(start, first, last) < self.as_of + dt.timedelta(days=7):
                last += dt.timedelta(days=7)
            out.append(
                {
                    "department": name,
                    "received_at": received,
                    "third_party_from": first,
                    "third_party_to": last,
                    "extended": True,
                    "extension_approved_by": APPROVERS[i % len(APPROVERS)],
                    "extension_notified_at": self.wd(start, 10),
                }
            )
        return out

    def _foi_deadline(self, start: dt.date, first: dt.date, last: dt.date) -> dt.date:
        """20 working days, plus the third-party days after the start, plus a 20-day extension."""
        excluded = self.cal.working_days_between(max(first - dt.timedelta(days=1), start), last)
        return self.wd(start, 20 + excluded + 20)

    # ------------------------------------------------------------------ policy documents
    def policy_documents(self) -> tuple[list[list[object]], list[list[object]]]:
        topics = (
            "进一步规范户籍业务办理", "优化出入境证件办理流程", "加强电动自行车登记管理", "规范机动车临时号牌发放",
            "推进居住证积分网上受理", "加强大型群众性活动安全管理", "规范警情通报发布", "推行“一网通办”公安服务事项",
            "加强寄递物流安全管理", "规范行政处罚裁量基准", "开展校园周边交通秩序整治", "推进窗口单位延时服务",
            "加强网吧安全管理", "规范犬只登记管理", "优化交通事故快处快赔", "加强旅馆业治安管理",
        )
        kinds = ("通知", "实施意见", "管理办法", "工作方案", "若干措施")
        documents: list[list[object]] = []
        interpretations: list[list[object]] = []
        forms_diverse = {"graphic": 0.45, "video": 0.15, "animation": 0.05, "demo": 0.05, "press_conference": 0.05, "interview": 0.05, "qa": 0.2}
        number = 0
        for year, count in ((self.year - 1, 80), (self.year, 150)):
            days = [d for d in self.workdays(year) if d <= dt.date(year, 12, 22)]
            for n in range(1, count + 1):
                dept = self.department([d.name for d in DEPARTMENTS if d.name != "政治处"])
                published = self.rng.choice(days)
                affects = self.rng.random() < 0.7
                status, marked = "effective", ""
                # Older documents get repealed; this year's short-term work plans expire.
                if self.rng.random() < (0.15 if year < self.year else 0.06):
                    status = self.rng.choice(("repealed", "expired"))
                    marked = "否" if self.rng.random() < 0.25 else "是"
                doc_id = f"ZC{year}-{n:03d}"
                title = f"关于{self.rng.choice(topics)}的{self.rng.choice(kinds)}"
                documents.append(
                    [doc_id, title, dept.name, published, "是" if affects else "否", _label("policy_document", "status", status), marked]
                )
                if not affects or self.rng.random() < 0.05:
                    continue  # no interpretation: fine unless it affects the public
                roll = self.rng.random()
                lag = self.rng.randint(0, 3) if roll < 0.85 else self.rng.randint(4, 9)
                diverse = self.rng.random() < dept.diverse
                form = self.pick(forms_diverse) if diverse else "text"
                entries = [(form, self.wd(published, lag) if lag else published)]
                if form == "text" and self.rng.random() < 0.6:
                    entries.append(("graphic", self.wd(published, self.rng.randint(lag, lag + 3)) if lag else published))
                elif form != "text" and self.rng.random() < 0.3:
                    entries.append(("qa", self.wd(published, self.rng.randint(lag, lag + 5)) if lag else published))
                for form_value, day in entries:
                    number += 1
                    interpretations.append(
                        [f"JD{day.year}-{number:04d}", doc_id, dept.name, _label("interpretation", "form", form_value), day]
                    )
        return documents, interpretations

    # ------------------------------------------------------------------ decisions
    def decisions(self) -> list[Row]:
        rows: list[Row] = []
        subjects = ("非机动车登记服务点设置", "道路临时交通管制措施", "户籍窗口服务时间", "养犬管理实施细则", "出入境自助办证点布局", "停车秩序综合治理方案", "校园周边护学岗设置")
        owners = ("法制支队", "治安支队", "交警支队", "出入境管理办公室", "人口管理办公室")
        for year in (self.year - 2, self.year - 1, self.year):
            batch: list[Row] = []
            for _ in range(40):
                dept = self.rng.choice(owners)
                issued = self.rng.choice([d for d in self.workdays(year) if d >= dt.date(year, 2, 15)])
                length = self.rng.randint(30, 45) if self.rng.random() < 0.9 else self.rng.randint(15, 25)
                end = issued - dt.timedelta(days=self.rng.randint(10, 60))
                start = end - dt.timedelta(days=length)
                roll = self.rng.random()
                if roll < 0.08:
                    feedback = ""
                else:
                    gap = self.rng.randint(2, 10) if roll < 0.88 else self.rng.randint(11, 20)
                    feedback = fmt_day(self.wd(issued, gap), "slash")
                batch.append(
                    [
                        issued.isoformat(),
                        f"关于调整{self.rng.choice(subjects)}的决定（{dept}）",
                        dept,
                        fmt_day(start, "slash"),
                        fmt_day(end, "slash"),
                        fmt_day(issued, "slash"),
                        feedback,
                    ]
                )
            batch.sort()
            rows += [[f"JC{year}-{n:03d}", *row[1:]] for n, row in enumerate(batch, start=1)]
        return rows

    # ------------------------------------------------------------------ emergencies
    def emergencies(self) -> list[Row]:
        rows: list[Row] = []
        levels = {"ordinary": 0.8, "large": 0.14, "major": 0.045, "especially_major": 0.015}
        owners = ("指挥处", "交警支队", "治安支队", "刑侦支队", "网安支队")
        events: list[tuple[dt.datetime, str, str]] = []
        for _ in range(150):
            occurred = dt.datetime.combine(self.rng.choice(self.days()), dt.time(self.rng.randrange(24), self.rng.randrange(60)))
            events.append((occurred, self.rng.choice(owners), self.pick(levels)))
        # At least one major event, answered late, so the 24-hour press-release rule has work.
        events.append((dt.datetime(self.year, 7, 16, 22, 40), "交警支队", "major"))
        events.sort()
        for n, (occurred, dept, level) in enumerate(events, start=1):
            roll = self.rng.random()
            if roll < 0.04 and level == "ordinary":
                first = None
            elif roll < 0.12:
                first = occurred + dt.timedelta(minutes=self.rng.randint(330, 720))
            else:
                first = occurred + dt.timedelta(minutes=self.rng.randint(25, 280))
            press = None
            if level in ("major", "especially_major"):
                late = occurred.month == 7 and occurred.day == 16
                press = occurred + dt.timedelta(hours=30 if late else self.rng.randint(5, 20))
            elif level == "large" and self.rng.random() < 0.5 or self.rng.random() < 0.1:
                press = occurred + dt.timedelta(hours=self.rng.randint(3, 40))
            rows.append(
                [
                    f"TF{self.year}-{n:03d}",
                    dept,
                    _label("emergency", "level", level),
                    fmt_moment(occurred),
                    fmt_moment(first) if first else "",
                    fmt_moment(press) if press else "",
                ]
            )
        return rows

    # ------------------------------------------------------------------ activities
    def activities(self) -> list[Row]:
        items: list[tuple[dt.date, str, str, str, str]] = []

        def add(day: dt.date, dept: str, kind: str, title: str, note: str = "") -> None:
            items.append((day, dept, kind, title, note))

        # Weekly website inspection on the week's first working day (a make-up Saturday when
        # that is the only one); two weeks were missed.
        weeks: dict[tuple[int, int], list[dt.date]] = {}
        for day in self.workdays():
            weeks.setdefault(day.isocalendar()[:2], []).append(day)
        missed = {23, 36}
        for (_, week), days in sorted(weeks.items()):
            if week not in missed:
                add(days[0], OFFICE, "website_inspection", f"第{week}周网站巡检及备份", "调休上班日巡检" if days[0].weekday() >= 5 else "")
        # Document filing twice a month by each filing unit; 网安支队 filed only once in July.
        for filer in ("法制支队", "治安支队", "交警支队", "出入境管理办公室", "网安支队", "人口管理办公室", "指挥处"):
            for month in range(1, 13):
                days = [d for d in self.workdays() if d.month == month]
                picks = [days[self.rng.randint(0, 6)], days[self.rng.randint(10, len(days) - 1)]]
                if filer == "网安支队" and month == 7:
                    picks = picks[:1]
                for day in picks:
                    add(day, filer, "document_filing", f"{month}月新增非涉密文件备案报送")
        # Quarterly progress disclosure by every department; 刑侦支队 skipped the third quarter.
        for dept in DEPARTMENTS:
            for quarter in range(1, 5):
                if dept.name == "刑侦支队" and quarter == 3:
                    continue
                days = [d for d in self.workdays() if (d.month - 1) // 3 + 1 == quarter and d.month % 3 == 0]
                add(self.rng.choice(days[-15:]), dept.name, "progress_disclosure", f"第{quarter}季度重点工作进展公开")
        # Trainings: the bureau-wide one in June, departmental ones through the year.
        add(dt.date(self.year, 6, 15), "政治处", "training", "政务公开通识培训", "全局各部门联络员参加")
        for dept in DEPARTMENTS:
            month = 11 if dept.name == "警务保障处" else self.rng.randint(3, 10)
            day = self.rng.choice([d for d in self.workdays() if d.month == month])
            add(day, dept.name, "training", f"{dept.name}政务公开业务培训")
        add(dt.date(self.year, 4, 20), OFFICE, "leader_briefing", "分局主要领导听取政务公开工作汇报")
        add(dt.date(self.year, 11, 10), OFFICE, "leader_briefing", "分局主要领导听取政务公开工作汇报（下半年）")
        add(dt.date(self.year, 3, 3), OFFICE, "leading_group_meeting", "政务公开工作领导小组会议")
        add(dt.date(self.year, 12, 12), OFFICE, "leading_group_meeting", "政务公开工作领导小组年终会议")
        add(dt.date(self.year, 5, 20), "政治处", "open_day", "警营开放日")
        add(dt.date(self.year, 9, 23), "交警支队", "open_day", "交通安全宣传开放日")
        add(dt.date(self.year, 8, 8), "指挥处", "open_week", "警营开放周（8月8日至12日）")
        add(dt.date(self.year, 8, 12), "政治处", "open_month", "“政府开放月”警营开放活动")
        add(dt.date(self.year, 8, 26), "出入境管理办公室", "open_month", "“政府开放月”出入境服务体验活动")
        add(dt.date(self.year, 6, 21), "交警支队", "public_attendance", "邀请公众代表列席停车秩序治理决策会议")
        add(dt.date(self.year, 11, 8), "治安支队", "public_attendance", "邀请公众代表列席养犬管理决策会议")
        for quarter, month in enumerate((3, 6, 9, 12), start=1):
            add(dt.date(self.year, month, 20), "网安支队", "dataset_update", f"第{quarter}季度公安开放数据集更新")
        for n in range(1, 11):
            day = self.rng.choice(self.workdays())
            add(day, self.department().name, "regulation_publicity", f"新规宣传（第{n}期）", "新规出台后开展集中宣传解读")
        for n in range(1, 16):
            day = self.rng.choice(self.workdays())
            add(day, self.department().name, "other", f"政务公开专题工作（{n}）")
        items.sort()
        return [
            [f"HD{self.year}-{n:04d}", dept, _label("activity", "type", kind), fmt_day(day), title, note]
            for n, (day, dept, kind, title, note) in enumerate(items, start=1)
        ]

    # ------------------------------------------------------------------ publications
    def publications(self) -> list[Row]:
        rows: list[Row] = []

        def add(dept: str, kind: str, covers: int | None, published: dt.date | None, revised: dt.date | None = None) -> None:
            rows.append(
                [
                    f"GB-{len(rows) + 1:04d}",
                    dept,
                    _label("publication", "type", kind),
                    str(covers) if covers else "",
                    fmt_day(published, "zh") if published else "",
                    fmt_day(revised, "zh") if revised else "",
                ]
            )

        y = self.year
        for covers in range(y - 3, y + 1):
            # On time every year; the report on the review year is out before the review date.
            add(OFFICE, "foi_annual_report", covers, self.wd(dt.date(covers + 1, 1, 14), self.rng.randint(0, 5)))
        add("法制支队", "rule_of_law_report", y - 3, dt.date(y - 2, 2, 24))
        add("法制支队", "rule_of_law_report", y - 2, dt.date(y - 1, 2, 25))
        add("法制支队", "rule_of_law_report", y - 1, dt.date(y, 3, 3))  # two days late
        add("法制支队", "rule_of_law_report", y, None)  # not yet due on the review date
        add(OFFICE, "disclosure_guide", y - 2, dt.date(y - 2, 3, 1), dt.date(y - 1, 3, 2))
        add(OFFICE, "disclosure_guide", y, dt.date(y, 3, 2))
        for year in (y - 2, y - 1, y):
            for dept in DEPARTMENTS:
                for quarter in range(1, 5):
                    if dept.name == "警务保障处" and year == y and quarter == 4:
                        continue
                    start = dt.date(year, 3 * quarter - 2, 1)
                    published = self.wd(start, self.rng.randint(1, 10))
                    revised = self.wd(published, self.rng.randint(20, 50)) if self.rng.random() < 0.2 else None
                    add(dept.name, "disclosure_catalog", year, published, revised)
        return rows

    # ------------------------------------------------------------------ facts
    def facts(self) -> list[Row]:
        rows: list[Row] = []
        y = self.year
        for year, weight in ((y - 2, "4"), (y - 1, "4.5"), (y, "5")):
            rows.append(["appraisal_weight_percent", str(year), weight, ""])
        keys: dict[str, Callable[[], str]] = {
            "appraisal_weight_percent": lambda: self.rng.choice(("3", "4", "4.5", "5", "5", "6")),
            "proactive_disclosure_count": lambda: str(self.rng.randint(40, 400)),
            "website_update_count": lambda: str(self.rng.randint(50, 600)),
            "training_participants": lambda: str(self.rng.randint(10, 120)),
            "open_dataset_count": lambda: str(self.rng.randint(0, 8)),
        }
        for year in (y - 2, y - 1, y):
            for dept in DEPARTMENTS:
                for key, value in keys.items():
                    rows.append([key, str(year), value(), dept.name])
        return rows


    def tasks(self) -> list[Row]:
        """The 2022 Songjiang task ledger as the bureau filled it in (no table for other years)."""
        from checker.rulepack import builtin_rules_dir
        from checker.timenodes import parse_time_node

        ledger = builtin_rules_dir() / "ledgers" / "tasks_songjiang-psb-2022.csv"
        if self.year != 2022 or not ledger.is_file():
            return []
        with ledger.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        out: list[Row] = []
        for row in rows:
            node = parse_time_node(row["时间节点"], 2022)
            due = node.due or dt.date(2022, 12, 31)
            start = node.not_before or min(dt.date(2022, 3, 1), due - dt.timedelta(days=20))
            done: dt.date | None = start + dt.timedelta(days=self.rng.randint(0, max(0, (due - start).days)))
            evidence = self.rng.choice(("工作方案及会议纪要", "门户网站发布截图", "培训通知及签到表", "报送记录"))
            roll = self.rng.random()
            if roll < 0.06:
                done = None  # not done
                evidence = ""
            elif roll < 0.12 and done is not None:
                done = due + dt.timedelta(days=self.rng.randint(5, 40))  # done late
            elif roll < 0.16:
                evidence = ""  # done, nothing to show for it
            values = {**row, "完成日期": fmt_day(done) if done else "", "佐证材料": evidence}
            out.append([values.get(f.label, "") for f in KINDS["task"].fields])
        return out


# --------------------------------------------------------------------------- writers
def _write_csv(path: Path, header: list[str], rows: list[Row], encoding: str) -> None:
    """As Excel writes CSV: CRLF line ends; GBK for "CSV", UTF-8 with BOM for "CSV UTF-8"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _write_workbook(path: Path, sheets: list[tuple[str, list[str], list[list[object]]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from checker.templates import reproducible_xlsx

    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        _date_formats(ws)
        ws.freeze_panes = "A2"
    path.write_bytes(reproducible_xlsx(wb))


def _write_foi_workbook(path: Path, demo: _Demo, records: list[dict[str, object]]) -> None:
    """Kept the way a records office keeps it: a title banner over the table, one block of rows
    per department with the department cell merged down the block, real Excel date cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from checker.templates import reproducible_xlsx

    spec = KINDS["foi_request"]
    wb = Workbook()
    ws = wb.active
    ws.title = spec.label
    ws.append([f"{BUREAU}{demo.year}年度政府信息公开申请办理台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(spec.fields))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f.label for f in spec.fields])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    names = [d.name for d in DEPARTMENTS]
    order = sorted(records, key=lambda r: (names.index(str(r["department"])), str(r["received_at"])))
    for record in order:
        row: list[object] = []
        for f in spec.fields:
            value = record.get(f.name)
            if f.type == "bool":
                value = "" if value is None else ("是" if value else "否")
            elif f.type == "enum" and value:
                value = f.value_labels[str(value)]
            row.append("" if value is None else value)
        ws.append(row)
    dept_col = spec.field_names.index("department") + 1
    start = 3
    for r in range(4, ws.max_row + 2):
        if r > ws.max_row or ws.cell(r, dept_col).value != ws.cell(start, dept_col).value:
            if r - 1 > start:
                ws.merge_cells(start_row=start, start_column=dept_col, end_row=r - 1, end_column=dept_col)
                ws.cell(start, dept_col).alignment = Alignment(vertical="center")
            start = r
    _date_formats(ws)
    ws.freeze_panes = "A3"
    notes = wb.create_sheet("填写说明")
    notes["A1"] = "收到申请日期按《政府信息公开条例》第三十一条确定；征求第三方意见期间不计入答复期限。"
    path.write_bytes(reproducible_xlsx(wb))


def _date_formats(ws) -> None:  # type: ignore[no-untyped-def]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
