"""The phrasing `zwgk draft` recognises in a task table's rows, and what each becomes.

`recognise_row(row_cells, context)` reads one task row (its 工作要求, measure and time-node
cells), sentence by sentence, and returns the rule proposals it can support from the words
alone, plus what it saw but could not turn into a rule. A proposal carries a complete check
(every number taken from the quoted sentence, the row's time node or a statutory rule the
sentence refers to), the evidence kind with a flag saying whether a subject word in the
sentence settled it, and the exact sentence to quote.

Recognised phrasing (N: digits, full-width digits or 一/两/三…):

| phrasing | becomes |
|---|---|
| 每月N次 / 每周N次 / 每季度N次 | `frequency` per month / week / quarter, min N |
| 每周… / 每月… / 每季度末… / 按季度… (no number) | `frequency`, min 1 |
| 至少…N次 / 不少于N次 / N次以上 (年内, 每年) | `count`, min N; 10月底前 / 1月31日前 in the sentence or the time node → `by` |
| A（不少于N次）或B（不少于M次） | `any_of` of two counts |
| 开展/组织/举办/召开…活动/培训/会议/宣传 with a time node 8月 / 9月底前 / 2020.9 | `count` min 1 within that window |
| the same with a time node 新规出台后N个月内 | `count` min 1, window left to the reviewer (TODO) |
| N个工作日内 / 不超过N个工作日 / N小时内 / 不得超过N个小时 / N日内 / N个月内 | `deadline` (or `related` for interpretations) when the sentence names its subject: 咨询/留言…答复, 申请…答复, 突发事件…新闻发布/回应, 决策/政策出台后…意见采纳, 文件公开后…解读 |
| 延长的期限…不得超过N个工作日 (after an FOI limit) | the FOI deadline's `extension` |
| 期限不少于N日 (征求意见) | `duration` |
| 比例不得低于N% (多元化解读) | `ratio` min N/100 |
| 权重不低于N% (绩效考核) | `threshold` on the fact appraisal_weight_percent |
| M月D日前 + 年度报告 / 年报 (text or time node) | `date_by` |
| 法定时限 + 年报, 法定期限 + 申请答复 | the statutory rule of the national baseline pack, cited |
| 同步发布 + 解读 | `related` within 0 working days (same day) |
| 文件…均要/均应…解读 | `related` (every document has an interpretation) |
| 凡有文字解读的…要有图文解读 | `related` between interpretation forms |
| 不予公开的…注明/说明…情形/理由/依据 | `required` legal_basis |
| 已失效、已废止…标识/标注 | `required` repeal_marked |

A limit whose subject is named only in another sentence of the row (the measure's heading) takes
that subject, marked `# TODO` for a person to confirm. A number is never guessed: a row with a
limit but no subject the patterns know (“5个工作日内办结” without saying what), or a subject
without a number (“按照规定时限”), is reported as uncertain and becomes a not_checkable
candidate. The only numbers not written in the sentence
are structural: min 1 for “each week / in August / at least once” (existence), 0 working days
for 同步, a month's last day for 9月底前, and the parameters of a statutory rule named by 法定时限.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from checker.timenodes import TimeNode

# --------------------------------------------------------------------------- numbers
_FULL_WIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
_CN_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUM = r"(\d+|[一二两三四五六七八九十]{1,3})"


def ascii_digits(text: str) -> str:
    """Full-width digits and ％ as ASCII; the length is kept, so spans stay valid."""
    return text.translate(_FULL_WIDTH)


def number_value(text: str) -> int | None:
    """12 → 12, 一 → 1, 两 → 2, 十 → 10, 十二 → 12, 二十 → 20; None for anything else."""
    text = ascii_digits(text.strip())
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGIT and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGIT[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


# --------------------------------------------------------------------------- vocabulary
# Activity types (evidence kind `activity`), by the words that name them; first match wins.
ACTIVITY_TYPES: tuple[tuple[str, str], ...] = (
    ("open_month", r"开放月"),
    ("open_week", r"开放周"),
    ("open_day", r"开放日"),
    ("leading_group_meeting", r"领导小组[^。；]*?会议|召开[^。；]*?领导小组"),
    ("leader_briefing", r"听取[^。；]*?汇报|向[^。；]{0,6}领导[^。；]{0,2}汇报"),
    ("public_attendance", r"列席"),
    ("training", r"培训"),
    ("dataset_update", r"数据集"),
    ("website_inspection", r"巡检|巡查"),
    ("document_filing", r"备案|报送[^。；]{0,10}公文"),
    ("regulation_publicity", r"(?:规定|条例|办法|新规)[^。；]*?宣传|宣传[^。；]*?(?:规定|条例|办法|新规)"),
    ("progress_disclosure", r"(?:进展|完成情况)[^。；]*?公开|公开[^。；]*?(?:进展|完成情况)"),
)
ACTIVITY_LABELS = {
    "open_month": "政府开放月",
    "open_week": "政府开放周",
    "open_day": "政府开放日",
    "leading_group_meeting": "领导小组会议",
    "leader_briefing": "主要负责人听取汇报",
    "public_attendance": "公众代表列席决策会议",
    "training": "政务公开培训",
    "dataset_update": "开放数据集更新",
    "website_inspection": "网站巡检",
    "document_filing": "公文备案报送",
    "regulation_publicity": "新规宣传",
    "progress_disclosure": "工作进展公开",
    "other": "其他",
}
INTERPRETATION_FORMS: tuple[tuple[str, str], ...] = (
    ("text", r"文字"),
    ("graphic", r"图文|图表|图解|图示"),
    ("video", r"视频"),
    ("animation", r"动漫|动画"),
    ("demo", r"流程演示|场景演示"),
    ("press_conference", r"新闻发布会"),
    ("interview", r"访谈"),
    ("qa", r"问答"),
)
CHANNELS: tuple[tuple[str, str], ...] = (
    ("online_platform", r"网上咨询|咨询求助平台"),
    ("hotline_12345", r"12345"),
    ("mailbox", r"信箱"),
    ("website", r"网站留言|留言板"),
)
PERIODS = {"周": "week", "星期": "week", "月": "month", "季度": "quarter", "季": "quarter"}
PERIOD_LABELS = {"week": "每周", "month": "每月", "quarter": "每季度"}
UNITS = {"个工作日": "working_days", "工作日": "working_days", "个小时": "hours", "小时": "hours", "个月": "months", "日": "days", "天": "days"}
UNIT_LABELS = {"working_days": "个工作日", "hours": "小时", "months": "个月", "days": "日"}
UNIT_SLUG = {"working_days": "wd", "hours": "h", "months": "m", "days": "d"}

# Words that say a row is not measurable as written, with the reason a reviewer reads.
VAGUE_WORDS: tuple[tuple[str, str], ...] = (
    (r"规定时限|办理期限|法定时限|法定期限|规定期限", "提到时限或期限，但没有写明天数"),
    (r"定期", "“定期”没有给出周期"),
    (r"第一时间", "“第一时间”没有量化期限"),
    (r"及时", "“及时”没有量化期限"),
    (r"适时", "“适时”没有给出时间"),
    (r"尽快", "“尽快”没有量化期限"),
    (r"常态化", "“常态化”没有给出次数或周期"),
    (r"尽可能", "“尽可能”没有量化标准"),
    (r"鼓励", "鼓励性要求，没有量化指标"),
)
# Quantities a reviewer should look at when no pattern consumed them.
_QUANTITY = re.compile(
    r"(?<![月\d.])\d+\s*(?:个工作日|工作日|个小时|小时|个月|日|天|次|%)"
    r"|(?:至少|不少于|不低于|不超过|不得超过|不得低于)[^，。；]{0,12}?" + NUM + r"\s*(?:个工作日|工作日|个小时|小时|个月|日|天|次|%)"
    r"|每(?:周|月|季度)|按(?:周|月|季度)"
    # written in Chinese numerals, as a share, or with a period of no check type: never proposed,
    # so always shown for a person to confirm (十个工作日, 两次, 百分之四, 六成, 每半年, 每日)
    r"|[一二两三四五六七八九十百]+\s*(?:个工作日|工作日|个小时|小时|个月|次|日内|天内)"
    r"|百分之[一二两三四五六七八九十百零点]+|[一二三四五六七八九]成"
    r"|每(?:半年|两周|双周|两个?月|日|天)|[上下]半年"
)


# --------------------------------------------------------------------------- results
@dataclass
class Proposal:
    """A rule the words support. `check`, `where` and `kind` follow the rule-pack models."""

    pattern: str  # what was recognised, in the table's terms (N个工作日内, 每月N次 …)
    slug: str
    title: str
    kind: str
    check: dict[str, Any]
    quote: str  # the exact words from the cell
    cell: str  # requirement | measure | time
    kind_sure: bool  # False: the subject words did not settle the evidence kind (# TODO)
    where: dict[str, Any] = field(default_factory=dict)
    severity: str = "major"
    notes: list[str] = field(default_factory=list)
    todos: list[str] = field(default_factory=list)


@dataclass
class Leftover:
    """Something quantified or time-bound that no pattern turned into a rule."""

    cell: str
    quote: str  # the sentence
    reason: str


@dataclass
class RowResult:
    proposals: list[Proposal]
    leftovers: list[Leftover]
    vague: list[str]  # reasons from vague words anywhere in the row


@dataclass(frozen=True)
class RowContext:
    """What a recogniser may use beside the sentence: the whole row and its time node."""

    text: str  # requirement + measure + time cell, digits normalised
    time_text: str | None  # the time node as written
    time_node: TimeNode | None  # parsed, when it parses
    plan_year: int
    statutes: dict[str, Any]  # "annual_report" / "foi_reply" → a national baseline Rule


@dataclass
class _Sentence:
    cell: str
    text: str  # exact words
    norm: str  # digits normalised (same length)
    consumed: list[tuple[int, int]] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.consumed)

    def take(self, start: int, end: int) -> None:
        self.consumed.append((start, end))


def sentences(cell: str, text: str) -> list[_Sentence]:
    out = []
    for part in re.split(r"[。；;！!？?]", text):
        part = part.strip()
        if part:
            out.append(_Sentence(cell, part, ascii_digits(part)))
    return out


# --------------------------------------------------------------------------- helpers
def activity_type(text: str) -> str | None:
    for name, pattern in ACTIVITY_TYPES:
        if re.search(pattern, text):
            return name
    return None


def _clause_around(sentence: _Sentence, start: int, end: int) -> str:
    """The comma clause(s) holding [start, end): a short title in the sentence's own words."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^，,]+", sentence.text)]
    inside = [i for i, (a, b) in enumerate(spans) if a < end and b > start] or [0]
    first, last = inside[0], inside[-1]
    if first > 0 and spans[last][1] - spans[first][0] < 8:  # too short to say anything alone
        first -= 1
    return sentence.text[spans[first][0] : spans[last][1]].strip("，,、 ")


def _window(node: TimeNode | None, plan_year: int) -> dict[str, str]:
    """A count window from a one-off time node: 8月 → from/by, 9月底前 → by; whole year → none."""
    if node is None or node.kind != "once" or node.due is None:
        return {}
    if node.whole_year or node.due == dt.date(plan_year, 12, 31):
        return {}
    window = {"by": _md(node.due, plan_year)}
    if node.not_before is not None:
        window = {"from": _md(node.not_before, plan_year), **window}
    return window


def _md(day: dt.date, plan_year: int) -> str:
    return day.strftime("%m-%d") if day.year == plan_year else day.isoformat()


_SENTENCE_DATE = re.compile(r"(\d{1,2})月(?:(\d{1,2})日|底)前")


def _sentence_window(norm: str, plan_year: int) -> dict[str, str]:
    match = _SENTENCE_DATE.search(norm)
    if not match:
        return {}
    month = int(match[1])
    if not 1 <= month <= 12:
        return {}
    if match[2]:
        try:
            day = dt.date(plan_year, month, int(match[2]))
        except ValueError:
            return {}
    else:
        day = (dt.date(plan_year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
    return {} if day == dt.date(plan_year, 12, 31) else {"by": _md(day, plan_year)}


def _window_note(window: dict[str, str], ctx: RowContext, from_sentence: bool) -> list[str]:
    if not window or from_sentence:
        return []
    return [f"期间取自时间节点“{ctx.time_text}”。"]


# --------------------------------------------------------------------------- the row
def recognise_row(cells: list[tuple[str, str]], ctx: RowContext) -> RowResult:
    """Proposals for one task row. `cells`: (requirement | measure | time, text) in table order."""
    parts = [s for cell, text in cells if text for s in sentences(cell, text)]
    proposals: list[Proposal] = []
    leftovers: list[Leftover] = []
    for recogniser in _RECOGNISERS:
        for index, sentence in enumerate(parts):
            proposals += recogniser(sentence, parts[index + 1 :], ctx)
    proposals += _time_node_events(parts, proposals, ctx)
    # A time cell that is just a time node (9月底前, 新规出台后1个月内) is the task ledger's business.
    plain_time = ctx.time_node is not None and len(re.sub(r"\s", "", ctx.time_text or "")) <= 15 and not re.search(r"[，,；;]", ctx.time_text or "")
    for sentence in parts:
        if sentence.cell == "time" and plain_time:
            continue
        reason = None
        for match in _QUANTITY.finditer(sentence.norm):
            if sentence.free(match.start(), match.end()):
                reason = f"含有未识别的数量或周期“{sentence.text[match.start():match.end()]}”"
                break
        if reason is None:
            pattern, label = VAGUE_WORDS[0]  # a time limit named but not given
            named = re.search(pattern, sentence.norm)
            if named and sentence.free(named.start(), named.end()):
                reason = f"{label}（“{named[0]}”）"
        if reason:
            leftovers.append(Leftover(sentence.cell, sentence.text, reason))
    vague = [reason for pattern, reason in VAGUE_WORDS if re.search(pattern, ctx.text)]
    return RowResult(_unique(proposals), leftovers, vague)


def _unique(proposals: list[Proposal]) -> list[Proposal]:
    """One proposal per distinct (kind, where, check): the first sentence that says it is quoted."""
    seen: set[str] = set()
    out = []
    for p in proposals:
        key = repr((p.kind, sorted(p.where.items()), sorted(p.check.items())))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# --------------------------------------------------------------------------- statutory references
def _statutory(s: _Sentence, rest: list[_Sentence], ctx: RowContext) -> list[Proposal]:
    match = re.search(r"法定(?:时限|期限)", s.norm)
    if not match or not s.free(match.start(), match.end()):
        return []
    out: list[Proposal] = []
    rule = None
    if re.search(r"年报|年度报告", s.norm) and "annual_report" in ctx.statutes:
        rule, slug = ctx.statutes["annual_report"], "annual-report"
    elif re.search(r"申请", s.norm) and re.search(r"答复", s.norm) and "foi_reply" in ctx.statutes:
        rule, slug = ctx.statutes["foi_reply"], "foi-reply"
    if rule is None:
        return []
    s.take(match.start(), match.end())
    data = rule.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    check = {"type": rule.check.type, **data["check"]}
    notes = [f"“{match[0]}”按法定时限取自基线规则 {rule.id}（{rule.source.clause}：{rule.title}）。"]
    if ctx.time_text and ctx.time_node is not None and ctx.time_node.kind == "once":
        notes.append(f"本表时间节点“{ctx.time_text}”是分解表自身的督办节点，规则按法定时限检查。")
    out.append(
        Proposal(
            pattern="法定时限",
            slug=f"{slug}-statutory",
            title=f"{_clause_around(s, match.start(), match.end())}（法定时限：{rule.title}）",
            kind=rule.kind,
            where=data.get("where", {}),
            check=check,
            quote=s.text,
            cell=s.cell,
            kind_sure=True,
            severity=rule.severity,
            notes=notes,
            todos=[f"法定时限取自 {rule.id}，请确认适用"],
        )
    )
    return out


# --------------------------------------------------------------------------- related / required
def _same_day(s: _Sentence, rest: list[_Sentence], ctx: RowContext) -> list[Proposal]:
    match = re.search(r"同步发布", s.norm)
    if not match or "解读" not in s.norm or not s.free(match.start(), match.end()):
        return []
    s.take(match.start(), match.end())
    return [
        Proposal(
            pattern="同步发布（解读）",
            slug="interpretation-same-day",
            title="政策文件与解读材料同步发布（当日）",
            kind="policy_document",
            where={"affects_public": True},
            check={"type": "related", "other": "interpretation", "other_key": "document_id", "start": "published_at", "other_date": "published_at", "within": {"working_days": 0}},
            quote=s.text,
            cell=s.cell,
            kind_sure=True,
            notes=["“同步发布”按当日计：解读不晚于政策文件公开当日发布（0 个工作日）；适用于涉及群众企业权益、应当解读的文件。"],
        )
    ]


def _coverage(s: _Sentence, rest: list[_Sentence], ctx: RowContext) -> list[Proposal]:
    match = re.search(r"文件[^。；]{0,12}?均(?:要|应|须|需)[^。；，]{0,8}?解读", s.norm)
    if not match or not s.free(match.start(), match.end()):
        return []
    s.take(match.start(), match.end())
    affects = bool(re.search(r"权益", s.norm))
    return [
        Proposal(
            pattern="文件均要解读",
            slug="interpretation-coverage",
            title=_clause_around(s, match.start(), match.end()),
            kind="policy_document",
            where={"affects_public": True} if affects else {},
            check={"type": "related", "other": "interpretation", "other_key": "document_id"},
            quote=s.text,
            cell=s.cell,
            kind_sure=True,
            notes=[] if affects else ["原文未限定范围，按全部政策文件检查；只要求涉及群众企业权益的文件时请加 where: {affects_public: true}。"],
        )
    ]


def _form(text: str) -> str | None:
    for name, pattern in INTERPRETATION_FORMS:
        if re.search(pattern, text):
            return name
    return None


def _form_pair(s: _Sentence, rest: list[_Sentence], ctx: RowContext) -> list[Proposal]:
    match = re.search(r"凡有([^。；，]{1,6}?)解读的[^。；]*?(?:要|应|须)有([^。；，]{1,6}?)解读", s.norm)
    if not match or not s.free(match.start(), match.end()):
        return []
    have, need = _form(match[1]), _form(match[2])
    if have is None or need is None:
        return []
    s.take(match.start(), match.end())
    minor = "原则上" in s.norm
    return [
        Proposal(
            pattern="凡有…解读的要有…解读",
            slug=f"{need}-for-{have}-interpretation",
            title=_clause_around(s, match.start(), match.end()),
            kind="interpretation",
            where={"form": have},
            check={"type": "related", "other": "interpretation", "key": "document_id", "other_key": "document_id", "other_where": {"form": need}},
            quote=s.text,
            cell=s.cell,
            kind_sure=True,
            severity="minor" if minor else "major",
            notes=["“原则上”留有例外，级别定为一般（minor）。"] if minor else [],
        )
    ]


def _withheld(s: _Sentence, rest: list[_Sentence], ctx: RowContext) -> list[Proposal]:
    match = re.search(r"不予公开的[^。；]*?(?:注明|说明|写明)[^。；]*?(?:情形|理由|依据)", s.norm)
    if not match or not s.free(match.start(), match.end()):
        return []
    s.take(match.start(), match.end())
    return [
        Proposal(
            pattern="不予公开须注明依据",
            slug="withheld-legal-basis",
            title=_clause_around(s, match.start(), match.end()),
            kind="foi_request",
            where={"outcome": ["withheld", "partial"]},
            check={"type": "required", "fields": ["legal_basis"]},
            quote=s.text,
            cell=s.cell,
            kind_sure=False,
            notes=["台账中只有依申请公开答复记录“不予公开依据”；原文若针对公文公开属性认定，请改为无法量化检查。"],
        )
    ]


def _repealed(s: _Sentence, rest: list[_Sentence], ctx: RowContext) -> list[Proposal]:
    match = re.search(r"(?:失效|废止)[^。；]*?(?:标识|标注|标明)|(?:标识|标注|标明)[^。；]*?(?:失效|废止)", s.norm)
    if not match or not s.free(match.start(), match.end()):
        return []
    s.take(match.start(), match.end())
    return [
        Proposal(
            pattern="失效废止文件须标识",
            slug="repealed-documents-marked",
            title=_clause_around(s, match.start(), match.end()),
            kind="policy_document",
            where={"status": ["repealed", "expired"]},
            check={"type": "required", "fields": ["repeal_marked"]},
            quote=s.text,
            cell=s.cell,
            kind_sure=True,
        )
    ]


# --------------------------------------------------------------------------- publications
def _publication_type(text: str) -> tuple[str, bool] | None:
    if re.search(r"法治政府[^。；]*?(?:年度报告|年报)", text):
        return "rule_of_law_report", True
    if re.search(r"年度报告|年报", text):
        return "foi_annual_report", bool(re.search(r"信息公开", text))
    return None


_PUBLISH_REPORT = re.compile(r"(?:发布|公开|公布|报送)[^。；，]{0,30}?(?:年报|年度报告)|(?:年报|年度报告)[^。；，]{0,6}?(?:发布|公布)")


def _date_by(s: _Sentence, rest: list[_Sentence], ctx: RowContext) -> list[Proposal]:
    kind = _publication_type(s.norm)
    if kind is None or not _PUBLISH_REPORT.search(s.norm) or re.search(r"纳入[^。；，]{0,20}?(?:年报|年度报告)", s.norm):
        return []
    pub_type, sure = kind
    match = re.search(r"(\d{1,2})月(\d{1,2})日前", s.norm)
    notes: list[str] = []
    if match and s.free(match.start(), match.end()):
        month, day = int(match[1]), int(match[2])
        s.take(match.start(), match.end())
        pattern = "M月D日前（年度报告）"
    else:
        node = ctx.time_node
        if node is None or node.kind not in ("once", "recurring") or re.search(r"法定(?:时限|期限)", s.norm):
            return []
        if node.kind == "once" and node.due is not None and not node.whole_year and node.due != dt.date(ctx.plan_year, 12, 31):
            month, day = node.due.month, node.due.day
        elif node.kind == "recurring" and node.month_day is not None and node.month_day != (12, 31):
            month, day = node.month_day
        else:
            return []
        notes.append(f"截止日期取自时间节点“{ctx.time_text}”。")
        pattern = "时间节点 + 年度报告"
        start = re.search(r"年度报告|年报", s.norm)
        assert start is not None
        s.take(start.start(), start.end())
    try:
        due = dt.date(2023, month, day).strftime("%m-%d")
    except ValueError:
        return []
    label = "法治政府建设情况年度报告" if pub_type == "rule_of_law_report" else "政府信息公开工作年度报告"
    return [
        Proposal(
            pattern=pattern,
            slug=f"{pub_type.replace('_', '-')}-by-{due}",
            title=f"每年{month}月{day}日前发布上一年度{label}",
            kind="publication",
            where={"type": pub_type},
            check={"type": "date_by", "date": "published_at", "covers": "covers_year", "due": due},
            quote=s.text,
            cell=s.cell,
            kind_sure=sure,
            severity="critical" if pub_type == "foi_annual_report" else "major",
            notes=notes,
        )
    ]


# --------------------------------------------------------------------------- percentages
_PERCENT = re.compile(r"(?:不得|不应|不能|应不)?\s*(?:低于|少于)\s*" + r"(\d+(?:\.\d+)?)\s*%|(\d+(?:\.\d+)?)\s*%\s*(?:以上|及以上)")


def _percent(s: _Sentence, rest: list[_Sentence], ctx: RowContext) -> list[Proposal]:
    out: list[Proposal] = []
    for match in _PERCENT.finditer(s.norm):
        if not s.free(match.start(), match.end()):
            continue
        value = float(match[1] or match[2])
        number = int(value) if value.is_integer() else value
        head = s.norm[: match.start()]
        if re.search(r"权重|分值", head) and re.search(r"考核", s.norm + ctx.text):
            s.take(match.start(), match.end())
            out.append(
                Proposal(
                    pattern="不低于N%（考核权重）",
                    slug=f"appraisal-weight-{_slug_number(number)}pct",
                    title=_clause_around(s, match.start(), match.end()),
                    kind="fact",
                    check={"type": "threshold", "key": "appraisal_weight_percent", "min": number},
                    quote=s.text,
                    cell=s.cell,
                    kind_sure=True,
                    notes=["指标 appraisal_weight_percent 填百分数的数值（4.5 表示 4.5%）。"],
                )
            )
        elif re.search(r"比例|占", head) and re.search(r"多元化解读|多样化解读", head) and value <= 100:
            s.take(match.start(), match.end())
            out.append(
                Proposal(
                    pattern="比例不得低于N%（多元化解读）",
                    slug=f"diversified-interpretation-{_slug_number(number)}pct",
                    title=_clause_around(s, match.start(), match.end()),
                    kind="interpretation",
                    check={"type": "ratio", "numerator": {"form": {"not": "text"}}, "min": round(value / 100, 4)},
                    quote=s.text,
                    cell=s.cell,
                    kind_sure=True,
                    notes=["文字解读以外的形式（图表图解、视频、动漫、流程演示、新闻发布会、在线访谈、政策问答等）计入多元化解读。"],
                )
            )
    return out


def _slug_number(value: float) -> str:
    return str(value).replace(".", "-")


# --------------------------------------------------------------------------- durations
def _duration(s: _Sentence, rest: list[_Sentence], ctx: RowContext) -> list[Proposal]:
    match = re.search(r"(?:不少于|不得少于|至少)\s*" + NUM + r"\s*(?:日|天)(?![前内])", s.norm)
    if not match or not s.free(match.start(), match.end()) or not re.search(r"征求意见", s.norm):
        return []
    days = number_value(match[1])
    if days is None or days < 1:
        return []
    s.take(match.start(), match.end())
    return [
        Proposal(
            pattern="期限不少于N日（征求意见）",
            slug=f"consultation-period-{days}d",
            title=_clause_around(s, match.start(), match.end()),
            kind="decision",
            where={"consultation_start": {"empty": False}},
            check={"type": "duration", "start": "consultation_start", "end": "consultation_end", "min": {"days": days}},
            quote=s.text,
            cell=s.cell,
            kind_sure=True,
            notes=["只检查填写了征求意见起止日期的决策（未公开征求意见的决策不在范围内）。"],
        )
    ]


# --------------------------------------------------------------------------- deadlines
_LIMIT = re.compile(
    r"(?:(?:不超过|不得超过|不应超过|最长不得超过|最长不超过|不得多于)\s*(?<![月\d])" + NUM + r"\s*(个工作日|工作日|个小时|小时|个月|日|天)"
    r"|(?<![月\d.])" + NUM + r"\s*(个工作日|工作日|个小时|小时|个月|日|天)\s*(?:内|以内))"
)
_EXTENSION = re.compile(r"延长[^。；]*?(?:不得超过|不超过|最长)\D{0,6}?" + NUM + r"\s*个?工作日")


def _deadline(s: _Sentence, rest: list[_Sentence], ctx: RowContext) -> list[Proposal]:
    out: list[Proposal] = []
    for match in _LIMIT.finditer(s.norm):
        if not s.free(match.start(), match.end()):
            continue
        raw, unit_word = (match[1], match[2]) if match[1] else (match[3], match[4])
        amount = number_value(raw)
        if amount is None:
            continue
        unit = UNITS[unit_word]
        proposal = _deadline_subject(s, match, amount, unit, rest, ctx, s.norm)
        if proposal is None and s.cell != "time":
            # The subject may be named in another sentence of the row (the measure's heading):
            # the most plausible reading, marked for a person to confirm.
            proposal = _deadline_subject(s, match, amount, unit, rest, ctx, ctx.text)
            if proposal is not None:
                proposal.kind_sure = False
                proposal.todos.append("对象取自本行其他句子，请确认")
        if proposal is not None:
            s.take(match.start(), match.end())
            out.append(proposal)
    return out


def _deadline_subject(s: _Sentence, match: re.Match[str], amount: int, unit: str, rest: list[_Sentence], ctx: RowContext, text: str) -> Proposal | None:
    within = {unit: amount}
    title = _clause_around(s, match.start(), match.end())
    pattern = f"N{UNIT_LABELS[unit]}内"
    if "解读" in text and re.search(r"(?:文件|政策)[^，。；]{0,6}?(?:公开|发布|印发|出台)后", text):
        return Proposal(
            pattern=pattern,
            slug=f"interpretation-{amount}{UNIT_SLUG[unit]}",
            title=title,
            kind="policy_document",
            where={"affects_public": True} if "权益" in text + ctx.text else {},
            check={"type": "related", "other": "interpretation", "other_key": "document_id", "start": "published_at", "other_date": "published_at", "within": within},
            quote=s.text,
            cell=s.cell,
            kind_sure=True,
        )
    if re.search(r"(?:决策|政策)[^，。；]{0,6}?(?:出台|作出|印发|发布)后", text) and re.search(r"意见|采纳", text):
        return Proposal(
            pattern=pattern,
            slug=f"decision-feedback-{amount}{UNIT_SLUG[unit]}",
            title=title,
            kind="decision",
            check={"type": "deadline", "start": "issued_at", "end": "feedback_published_at", "within": within},
            quote=s.text,
            cell=s.cell,
            kind_sure=True,
        )
    if "突发事件" in text:
        # 2小时内首次回应，24小时内召开新闻发布会: each limit's own clause says which end it is
        press = bool(re.search(r"新闻发布|发布会", title))
        levels = _emergency_levels(text)
        return Proposal(
            pattern=pattern,
            slug=f"emergency-{'press-release' if press else 'first-response'}-{amount}{UNIT_SLUG[unit]}",
            title=title,
            kind="emergency",
            where={"level": levels} if levels else {},
            check={"type": "deadline", "start": "occurred_at", "end": "press_release_at" if press else "first_response_at", "within": within},
            quote=s.text,
            cell=s.cell,
            kind_sure=True,
            severity="critical",
            notes=[] if levels else ["原文未限定突发事件级别，按全部级别检查。"],
            todos=[] if press or re.search(r"回应|权威信息", title) else ["请确认截止字段（首次回应时间或新闻发布时间）"],
        )
    if re.search(r"申请", text) and re.search(r"答复", text):
        check: dict[str, Any] = {"type": "deadline", "start": "received_at", "end": "replied_at", "within": within}
        quote = s.text
        notes = []
        for following in [s, *rest[:1]]:  # 答复期限不超过20个工作日，延长期限不超过20个工作日: one sentence or the next
            ext = _EXTENSION.search(following.norm, match.end() if following is s else 0)
            extra = number_value(ext[1]) if ext else None
            if ext and extra and following.cell == s.cell and following.free(ext.start(), ext.end()):
                following.take(ext.start(), ext.end())
                check["extension"] = {"working_days": extra}
                quote = _span(s, following) if following is not s else s.text
                notes.append(f"延期：经批准并告知申请人，最长再延长{extra}个工作日。")
        return Proposal(
            pattern=pattern,
            slug=f"foi-reply-{amount}{UNIT_SLUG[unit]}",
            title=title,
            kind="foi_request",
            check=check,
            quote=quote,
            cell=s.cell,
            kind_sure=True,
            severity="critical",
            notes=notes,
            todos=["补正后重新起算（restart: corrected_at）、征求第三方意见时间不计入（exclude）原文未写，需要时请补上（见 national-2019）"],
        )
    if re.search(r"咨询|留言|求助|热线|信箱|来信|来电", text) and re.search(r"答复|回复|办理|办结", text):
        channel = next((name for name, p in CHANNELS if re.search(p, text)), None)
        return Proposal(
            pattern=pattern,
            slug=f"consultation-reply-{amount}{UNIT_SLUG[unit]}",
            title=title,
            kind="consultation",
            where={"channel": channel} if channel else {},
            check={"type": "deadline", "start": "received_at", "end": "replied_at", "within": within},
            quote=s.text,
            cell=s.cell,
            kind_sure=True,
            todos=[] if channel else ["原文未指明渠道，目前按全部咨询渠道检查，请确认或加 where: {channel: …}"],
        )
    return None


def _span(first: _Sentence, last: _Sentence) -> str:
    """Two sentences of one cell, quoted with what stands between them (；)."""
    return f"{first.text}；{last.text}"


_LEVELS = ("especially_major", "major", "large")


def _emergency_levels(text: str) -> list[str]:
    """The lowest level named and every level above it: 重大突发事件 → 特别重大 and 重大."""
    rest = text.replace("特别重大", "")
    lowest = "large" if "较大" in text else "major" if "重大" in rest else "especially_major" if "特别重大" in text else None
    return list(_LEVELS[: _LEVELS.index(lowest) + 1]) if lowest else []


# --------------------------------------------------------------------------- counts and periods
_PERIOD_COUNT = re.compile(r"每(周|星期|月|季度|季)[^，。；]{0,4}?(?:至少|不少于)?\s*" + NUM + r"\s*次")
_MIN_COUNT = re.compile(r"(?:至少|不少于|不得少于|不低于)[^，。；（）()]{0,16}?" + NUM + r"\s*(?:次|场|期)|(?<![\d.])" + NUM + r"\s*次(?:以上|及以上)")
_PERIOD_ONLY = re.compile(r"(?:每|按)(周|月|季度)")
# Periods no check type has (half years, fortnights, every two months): a count written with one
# is not a yearly count, so no rule is proposed and the sentence is listed for a person.
_OTHER_PERIOD = re.compile(r"每(?:半年|半个月|两周|双周|两个?月|[2-9]\s*(?:周|个月|月))|[上下]半年|第[一二三四1-4]季度")


def _counts(s: _Sentence, rest: list[_Sentence], ctx: RowContext) -> list[Proposal]:
    out: list[Proposal] = []
    for match in _PERIOD_COUNT.finditer(s.norm):
        n = number_value(match[2])
        if n and s.free(match.start(), match.end()):
            s.take(match.start(), match.end())
            out.append(_frequency(s, match, PERIODS[match[1]], n, f"每{match[1]}N次", ctx))
    found = [m for m in _MIN_COUNT.finditer(s.norm) if s.free(m.start(), m.end()) and number_value(m[1] or m[2])]
    if len(found) == 2 and "或" in s.norm[found[0].end() : found[1].start()]:
        out.append(_any_of(s, found, ctx))
        return out
    for match in found:
        n = number_value(match[1] or match[2])
        assert n is not None
        head = s.norm[max(0, match.start() - 8) : match.start()]
        if _OTHER_PERIOD.search(s.norm[max(0, match.start() - 10) : match.end()]):
            continue  # 每半年 / 每两周 / 上半年: no check type of ours; left for a person (a leftover)
        s.take(match.start(), match.end())
        period = re.search(r"每(周|星期|月|季度|季)", head)
        if period:
            out.append(_frequency(s, match, PERIODS[period[1]], n, f"每{period[1]}至少N次", ctx))
        else:
            out.append(_count(s, match, n, "至少N次", ctx, s.norm))
    for match in _PERIOD_ONLY.finditer(s.norm):
        if not s.free(match.start(), match.end()):
            continue
        if s.cell == "time" and activity_type(s.norm + ctx.text) is None:
            continue  # a time cell alone (按季度) does not say what recurs
        s.take(match.start(), match.end())
        out.append(_frequency(s, match, PERIODS[match[1]], 1, f"{match[0]}（每期至少1次）", ctx))
    return out


def _activity(s: _Sentence, local: str, ctx: RowContext) -> tuple[str, bool]:
    kind = activity_type(local) or activity_type(s.norm)
    if kind:
        return kind, True
    kind = activity_type(ctx.text)
    return (kind, False) if kind else ("other", False)


def _frequency(s: _Sentence, match: re.Match[str], per: str, n: int, pattern: str, ctx: RowContext) -> Proposal:
    kind, sure = _activity(s, s.norm, ctx)
    return Proposal(
        pattern=pattern,
        slug=f"{kind.replace('_', '-')}-{n}-per-{per}",
        title=_clause_around(s, match.start(), match.end()),
        kind="activity",
        where={"type": kind},
        check={"type": "frequency", "date": "date", "per": per, "min": n},
        quote=s.text,
        cell=s.cell,
        kind_sure=sure and kind != "other",
        todos=[] if kind != "other" else ["活动类型未能识别，暂记为 other（其他），请改为具体类型"],
    )


def _count(s: _Sentence, match: re.Match[str], n: int, pattern: str, ctx: RowContext, local: str) -> Proposal:
    kind, sure = _activity(s, local, ctx)
    window = _sentence_window(s.norm, ctx.plan_year)
    from_sentence = bool(window)
    if not window:
        window = _window(ctx.time_node, ctx.plan_year)
    by = window.get("by")
    todos = [] if kind != "other" else ["活动类型未能识别，暂记为 other（其他），请改为具体类型"]
    if by and len(by) == 10 and not by.startswith(str(ctx.plan_year)):  # 2022.9 left in a 2023 table
        todos.append(f"期间截止 {by} 不在分解表年度 {ctx.plan_year} 内（时间节点“{ctx.time_text}”），请确认年份")
    return Proposal(
        pattern=pattern,
        slug=f"{kind.replace('_', '-')}-min-{n}" + (f"-by-{by}" if by else ""),
        title=_clause_around(s, match.start(), match.end()),
        kind="activity",
        where={"type": kind},
        check={"type": "count", "date": "date", "min": n, **window},
        quote=s.text,
        cell=s.cell,
        kind_sure=sure and kind != "other",
        notes=_window_note(window, ctx, from_sentence),
        todos=todos,
    )


def _any_of(s: _Sentence, found: list[re.Match[str]], ctx: RowContext) -> Proposal:
    window = _sentence_window(s.norm, ctx.plan_year)
    from_sentence = bool(window)
    if not window:
        window = _window(ctx.time_node, ctx.plan_year)
    subs = []
    slugs = []
    sure = True
    left = 0
    for match in found:
        s.take(match.start(), match.end())
        n = number_value(match[1] or match[2])
        local = s.norm[left : match.start()]
        kind = activity_type(local) or "other"
        sure = sure and kind != "other"
        left = match.end()
        subs.append({"label": ACTIVITY_LABELS[kind], "where": {"type": kind}, "check": {"type": "count", "date": "date", "min": n, **window}})
        slugs.append(f"{kind.replace('_', '-')}-{n}")
    return Proposal(
        pattern="A（不少于N次）或B（不少于M次）",
        slug="-or-".join(slugs),
        title=_clause_around(s, found[0].start(), found[-1].end()),
        kind="activity",
        check={"type": "any_of", "checks": subs},
        quote=s.text,
        cell=s.cell,
        kind_sure=sure,
        notes=_window_note(window, ctx, from_sentence),
        todos=[] if sure else ["活动类型未能识别，暂记为 other（其他），请改为具体类型"],
    )


_EVENT = re.compile(r"(?:开展|举办|召开|组织)[^。；]{0,20}?(?:活动|培训|会议|宣传)")


def _time_node_events(parts: list[_Sentence], proposals: list[Proposal], ctx: RowContext) -> list[Proposal]:
    """An activity the row schedules by its time node (8月, 9月底前, 新规出台后1个月内): at least one
    in that window. Only when the row proposed no activity count of its own."""
    node = ctx.time_node
    if node is None or any(p.kind == "activity" for p in proposals):
        return []
    window = _window(node, ctx.plan_year)
    relative = node.kind == "relative"
    if not window and not relative:
        return []
    month = node.due.month if window and node.due is not None else None
    ordered = sorted((s for s in parts if s.cell != "time"), key=lambda s: month is None or f"{month}月" not in s.norm)
    for s in ordered:
        match = _EVENT.search(s.norm)
        if not match or not s.free(match.start(), match.end()):
            continue
        kind = activity_type(s.norm) or activity_type(ctx.text)
        if kind is None:
            continue
        s.take(match.start(), match.end())
        todos = []
        notes = []
        if relative:
            notes.append(f"时间节点“{ctx.time_text}”是相对期限：应在“{node.trigger}”之日起{node.offset_amount}{UNIT_LABELS.get(node.offset_unit or '', '')}内开展。")
            todos.append(f"请把 from/by 填为{node.trigger}的日期和期限届满日（YYYY-MM-DD），目前按全年计数")
        else:
            notes.append(f"期间取自时间节点“{ctx.time_text}”。")
        by = window.get("by")
        return [
            Proposal(
                pattern=f"时间节点“{ctx.time_text}” + 开展活动",
                slug=f"{kind.replace('_', '-')}-min-1" + (f"-by-{by}" if by else ""),
                title=f"{ctx.time_text}{_clause_around(s, match.start(), match.end())}",
                kind="activity",
                where={"type": kind},
                check={"type": "count", "date": "date", "min": 1, **window},
                quote=s.text,
                cell=s.cell,
                kind_sure=activity_type(s.norm) is not None,
                notes=notes,
                todos=todos,
            )
        ]
    return []


_RECOGNISERS = (_statutory, _same_day, _coverage, _form_pair, _withheld, _repealed, _date_by, _percent, _duration, _deadline, _counts)
