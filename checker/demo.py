"""A deterministic demo evidence set for a fictional 分局 (the README's first command).

Small on purpose for now: a few dozen consultations and the activities, publications and
decisions the Songjiang pack asks about, with on-time, late, unanswered and pending items and
the make-up-weekend cases that catch naive working-day code.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from checker.calendar import default_calendar

DEPARTMENTS = ("指挥处", "法制支队", "治安支队", "交警支队", "政治处", "出入境管理办公室", "户政管理科", "警保处")


def build_demo_evidence(folder: Path, *, year: int = 2022, seed: int = 2022) -> Path:
    """Write the demo ledgers as CSV (UTF-8 with BOM, as Excel saves them) into `folder`."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    cal = default_calendar()
    _write(folder / "consultations.csv", ["编号", "责任部门", "渠道", "收到时间", "答复时间"], _consultations(rng, cal, year))
    _write(folder / "activities.csv", ["编号", "责任部门", "类型", "日期", "名称"], _activities(rng, year))
    _write(folder / "publications.csv", ["编号", "责任部门", "类型", "所属年度", "发布日期"], _publications(year))
    _write(folder / "decisions.csv", ["编号", "标题", "责任部门", "征求意见开始", "征求意见结束", "决策出台日期", "意见采纳情况公开日期"], _decisions(rng, cal, year))
    return folder


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _fmt(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _consultations(rng: random.Random, cal, year: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    rows: list[list[str]] = []
    # The make-up weekend cases of DESIGN.md, always present.
    fixed = [
        (dt.datetime(year, 9, 30, 16, 0), dt.datetime(year, 10, 8, 10, 0)),
        (dt.datetime(year, 10, 1, 9, 0), dt.datetime(year, 10, 8, 17, 0)),
        (dt.datetime(year, 10, 8, 11, 0), dt.datetime(year, 10, 11, 9, 0)),
    ]
    for i, (received, replied) in enumerate(fixed, start=1):
        rows.append([f"ZX{year}-{i:04d}", "指挥处", "网上咨询求助平台", _fmt(received), _fmt(replied)])
    start = dt.datetime(year, 1, 1, 8, 0)
    for i in range(len(fixed) + 1, 61):
        received = start + dt.timedelta(days=rng.randrange(0, 365), minutes=rng.randrange(0, 12 * 60))
        channel = rng.choice(["网上咨询求助平台", "网上咨询求助平台", "12345热线", "领导信箱", "网站留言"])
        roll = rng.random()
        if received.date() >= dt.date(year, 12, 29) or roll < 0.05:
            replied = ""
        else:
            due = cal.add_working_days(received.date(), 1)
            late = roll < 0.15
            day = cal.add_working_days(due, rng.randint(1, 3)) if late else due if rng.random() < 0.5 else received.date()
            moment = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.choice([0, 15, 30, 45])))
            replied = _fmt(max(moment, received + dt.timedelta(hours=1)))
        rows.append([f"ZX{year}-{i:04d}", rng.choice(DEPARTMENTS), channel, _fmt(received), replied])
    return rows


def _activities(rng: random.Random, year: int) -> list[list[str]]:
    return [
        [f"HD{year}-001", "指挥处", "政务公开培训", f"{year}-06-15", "政务公开通识培训"],
        [f"HD{year}-002", "指挥处", "主要负责人听取汇报", f"{year}-04-20", "分局主要领导听取政务公开工作汇报"],
        [f"HD{year}-003", "政治处", "政府开放月活动", f"{year}-08-12", "警营开放日"],
        [f"HD{year}-004", "治安支队", "公众代表列席决策会议", f"{year}-11-08", "邀请公众代表列席决策会议"],
    ]


def _publications(year: int) -> list[list[str]]:
    return [
        [f"GB{year}-001", "指挥处", "政府信息公开工作年度报告", str(year - 1), f"{year}-01-28"],
        [f"GB{year}-002", "指挥处", "政府信息公开指南", str(year), f"{year}-03-02"],
    ]


def _decisions(rng: random.Random, cal, year: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    rows = []
    for i in range(1, 7):
        issued = dt.date(year, 2 * i - 1, rng.randint(3, 25))
        start = issued - dt.timedelta(days=60)
        gap = 10 if i != 4 else 14
        feedback = "" if i == 6 else cal.add_working_days(issued, gap).isoformat()
        dept = rng.choice(("治安支队", "交警支队", "指挥处"))
        rows.append(
            [f"JC{year}-{i:03d}", f"关于规范{dept}相关事项的决定（第{i}号）", dept, start.isoformat(), (start + dt.timedelta(days=30)).isoformat(), issued.isoformat(), feedback]
        )
    return rows
