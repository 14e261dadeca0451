"""The evidence contract: kinds, fields, Chinese labels and enum values (DESIGN.md).

This table is the single source for loading, validation, templates and documentation. Every
kind can grow fields (extra columns are kept as text); the names and meanings here are fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

FieldType = Literal["text", "datetime", "date", "bool", "int", "float", "enum", "year"]
# required: column present and every cell filled; column: column present, cells may be empty
# (an empty cell is meaningful, e.g. "not replied"); optional: may be absent altogether.
Presence = Literal["required", "column", "optional"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: FieldType = "text"
    presence: Presence = "optional"
    values: tuple[tuple[str, str], ...] = ()  # enum: (english value, Chinese label); text: known codes, label read as code
    help: str = ""  # one line for the template's notes row
    references: str | None = None  # kind whose id this field refers to
    example: str = ""  # a filled-in cell for templates and docs (type default when empty)

    @property
    def value_labels(self) -> dict[str, str]:
        return dict(self.values)

    @property
    def example_value(self) -> str:
        """What a person would type in this column (enums: the Chinese label)."""
        if self.example:
            return self.example
        if self.type == "enum":
            return self.values[0][1]
        return _TYPE_EXAMPLES[self.type]


_TYPE_EXAMPLES: dict[str, str] = {
    "text": "",
    "datetime": "2022-03-07 09:30",
    "date": "2022-03-07",
    "bool": "是",
    "int": "1",
    "float": "4.5",
    "enum": "",
    "year": "2022",
}
TYPE_LABELS: dict[str, str] = {
    "text": "文本",
    "datetime": "日期时间",
    "date": "日期",
    "bool": "是/否",
    "int": "整数",
    "float": "数值",
    "enum": "选项",
    "year": "年度",
}
PRESENCE_LABELS: dict[str, str] = {
    "required": "必填",
    "column": "须有此列，可留空",
    "optional": "可选",
}


@dataclass(frozen=True)
class KindSpec:
    name: str  # consultation
    stem: str  # consultations (file name / sheet name)
    label: str  # 咨询答复台账
    period_field: str | None  # the date that places a record in a review year
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def has_field(self, name: str) -> bool:
        return any(spec.name == name for spec in self.fields)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields)


def _id(example: str, help_text: str = "记录编号，在本台账内唯一") -> FieldSpec:
    return FieldSpec("id", "编号", "text", "required", help=help_text, example=example)


def _dept(presence: Presence = "required", example: str = "指挥处") -> FieldSpec:
    return FieldSpec("department", "责任部门", "text", presence, help="负责该事项的部门名称", example=example)


# Other headers that ledgers kept before the templates commonly use for a field, by field name.
# A kind takes an alias only where none of its own fields is called that (tasks have 责任单位 as a
# field of their own), and a field's own name and label always win.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("记录编号", "登记编号", "流水号"),
    "department": ("部门", "承办部门", "办理部门", "责任单位", "承办单位"),
    "channel": ("来源", "咨询渠道", "留言渠道"),
    # (Not 申请日期: the date written on an FOI application is not the legal receipt date of
    # 条例 art. 31; taken as received_at it would start the clock early and misjudge replies.)
    "received_at": ("收到时间", "收到日期", "受理时间", "受理日期", "留言时间"),
    "replied_at": ("答复时间", "答复日期", "回复时间", "回复日期", "办结时间", "办结日期"),
    "published_at": ("发布日期", "公开日期", "发布时间", "公开时间"),
    "occurred_at": ("事发时间", "发生日期"),
    "first_response_at": ("回应时间", "首次回应日期"),
    "press_release_at": ("发布会时间", "新闻发布会时间"),
    "date": ("活动日期", "开展日期"),
    "lead_unit": ("牵头部门",),
    "item": ("工作任务", "具体任务", "任务"),
    "due": ("完成时限", "时间要求"),
    "completed_at": ("完成时间",),
    "evidence": ("佐证", "佐证资料"),
    "year": ("年份",),
    # Optional columns that scope or decide rules: a near-miss name read as an unknown extra
    # column turned a lawful extension into 超期 and a filled-in reason into 未填写.
    "extended": ("延期", "是否延长", "是否延长期限", "延长答复期限"),
    "extension_approved_by": ("延期审批人", "批准人"),
    "extension_notified_at": ("延期告知时间", "告知延期日期"),
    "legal_basis": ("不予公开理由", "不予公开原因", "不公开理由", "不予公开的理由", "不予公开的依据"),
    "affects_public": ("涉及群众切身利益", "是否涉及群众切身利益", "是否涉及群众企业权益", "涉及群众和企业权益"),
    "status": ("效力状态", "文件效力", "文件状态"),
    "repeal_marked": ("是否标注失效", "已标注废止"),
}


_HEADER_NOTE = re.compile(r"[（(](?:必填|选填|可选|可留空|非必填|必填项|选填项)[)）]$")


def header_key(text: str) -> str:
    """A header as compared: without white space, a trailing required-mark * or a note such as
    （必填）/（选填）, lower case."""
    key = "".join(text.split()).rstrip("*＊")
    return _HEADER_NOTE.sub("", key).rstrip("*＊").lower()


def header_lookup(spec: KindSpec) -> dict[str, str]:
    """Header key → field: names and labels, then the aliases no field of the kind already uses."""
    lookup: dict[str, str] = {}
    for f in spec.fields:
        lookup[header_key(f.name)] = f.name
        lookup[header_key(f.label)] = f.name
    for f in spec.fields:
        for alias in HEADER_ALIASES.get(f.name, ()):
            lookup.setdefault(header_key(alias), f.name)
    return lookup


def header_aliases(spec: KindSpec, field: str) -> list[str]:
    """The other headers `field` is recognised by in this kind (for messages and docs)."""
    lookup = header_lookup(spec)
    label = spec.field(field).label
    return [a for a in HEADER_ALIASES.get(field, ()) if lookup.get(header_key(a)) == field and a != label]


KINDS: dict[str, KindSpec] = {
    spec.name: spec
    for spec in (
        KindSpec(
            "consultation",
            "consultations",
            "咨询答复台账",
            "received_at",
            (
                _id("ZX2022-0001"),
                _dept(),
                FieldSpec(
                    "channel",
                    "渠道",
                    "enum",
                    "required",
                    (
                        ("online_platform", "网上咨询求助平台"),
                        ("hotline_12345", "12345热线"),
                        ("mailbox", "领导信箱"),
                        ("website", "网站留言"),
                    ),
                    help="咨询来源渠道",
                ),
                FieldSpec("received_at", "收到时间", "datetime", "required", help="收到咨询的日期和时间，如 2022-09-30 16:00", example="2022-09-30 16:00"),
                FieldSpec("replied_at", "答复时间", "datetime", "column", help="答复的日期和时间；未答复请留空", example="2022-10-08 10:00"),
            ),
        ),
        KindSpec(
            "foi_request",
            "foi_requests",
            "依申请公开台账",
            "received_at",
            (
                _id("YSQ2022-001"),
                _dept(),
                FieldSpec(
                    "received_at",
                    "收到申请日期",
                    "datetime",
                    "required",
                    help="条例第31条的收到日期（不是申请书落款的申请日期）：当面提交为提交之日；邮寄需签收的为签收之日，平常信函为与申请人确认之日；网上或传真为双方确认之日",
                    example="2022-03-07",
                ),
                FieldSpec("corrected_at", "收到补正日期", "datetime", help="申请人补正后重新起算期限；无补正留空", example="2022-03-09"),
                FieldSpec("third_party_from", "征求第三方意见开始", "date", help="发出征求第三方或其他机关意见之日；从该日到收到意见之日（两端都算）的工作日不计入答复期限", example="2022-03-14"),
                FieldSpec("third_party_to", "征求第三方意见结束", "date", help="收到第三方或其他机关意见之日（征求意见的结束日期）", example="2022-03-21"),
                FieldSpec("extended", "是否延期", "bool", help="是否依条例第33条延长答复期限（是 / 否）", example="是"),
                FieldSpec("extension_approved_by", "延期批准人", "text", help="同意延期的政府信息公开工作机构负责人；未延期留空", example="王某某"),
                FieldSpec("extension_notified_at", "延期告知日期", "date", help="告知申请人延期的日期；未延期留空", example="2022-03-28"),
                FieldSpec("replied_at", "答复日期", "datetime", "column", help="出具答复的日期；未答复请留空", example="2022-03-30"),
                FieldSpec(
                    "outcome",
                    "答复结果",
                    "enum",
                    "optional",
                    (
                        ("disclosed", "予以公开"),
                        ("partial", "部分公开"),
                        ("withheld", "不予公开"),
                        ("not_held", "无法提供"),
                        ("not_processed", "不予处理"),
                        ("other", "其他"),
                    ),
                    help="答复结果类型",
                ),
                FieldSpec("legal_basis", "不予公开依据", "text", help="不予公开、部分公开时引用的法律依据", example="《中华人民共和国政府信息公开条例》第十四条"),
            ),
        ),
        KindSpec(
            "policy_document",
            "policy_documents",
            "政策文件台账",
            "published_at",
            (
                _id("ZC2022-001"),
                FieldSpec("title", "标题", "text", "required", help="文件标题", example="关于进一步规范户籍业务办理的通知"),
                _dept(),
                FieldSpec("published_at", "公开日期", "datetime", "required", help="在政府网站公开的日期", example="2022-03-07"),
                FieldSpec("affects_public", "涉及群众企业权益", "bool", help="是否涉及群众切身利益或企业权益（是 / 否）", example="是"),
                FieldSpec(
                    "status",
                    "效力",
                    "enum",
                    "optional",
                    (("effective", "有效"), ("repealed", "已废止"), ("expired", "已失效")),
                    help="文件效力状态",
                ),
                FieldSpec("repeal_marked", "已标注失效", "bool", help="废止或失效的文件是否已在网站上明确标注（是 / 否）", example="否"),
            ),
        ),
        KindSpec(
            "interpretation",
            "interpretations",
            "政策解读台账",
            "published_at",
            (
                _id("JD2022-001"),
                FieldSpec("document_id", "政策文件编号", "text", "required", help="所解读政策文件的编号（政策文件台账中的编号）", references="policy_document", example="ZC2022-001"),
                _dept(),
                FieldSpec(
                    "form",
                    "解读形式",
                    "enum",
                    "required",
                    (
                        ("text", "文字解读"),
                        ("graphic", "图表图解"),
                        ("video", "视频"),
                        ("animation", "动漫"),
                        ("demo", "流程演示"),
                        ("press_conference", "新闻发布会"),
                        ("interview", "在线访谈"),
                        ("qa", "政策问答"),
                        ("other", "其他"),
                    ),
                    help="解读形式",
                ),
                FieldSpec("published_at", "发布日期", "datetime", "required", help="解读发布的日期", example="2022-03-08"),
            ),
        ),
        KindSpec(
            "decision",
            "decisions",
            "重大决策台账",
            "issued_at",
            (
                _id("JC2022-001"),
                FieldSpec("title", "标题", "text", "required", help="决策事项名称", example="关于调整非机动车登记服务点设置的决定"),
                _dept(),
                FieldSpec("consultation_start", "征求意见开始", "date", help="公开征求意见的开始日期", example="2022-01-04"),
                FieldSpec("consultation_end", "征求意见结束", "date", help="公开征求意见的结束日期", example="2022-02-10"),
                FieldSpec("issued_at", "决策出台日期", "date", "required", help="决策正式出台（印发）的日期", example="2022-03-01"),
                FieldSpec("feedback_published_at", "意见采纳情况公开日期", "date", "column", help="公开意见收集和采纳情况的日期；未公开请留空", example="2022-03-10"),
            ),
        ),
        KindSpec(
            "emergency",
            "emergencies",
            "突发事件回应台账",
            "occurred_at",
            (
                _id("TF2022-001"),
                _dept(),
                FieldSpec(
                    "level",
                    "级别",
                    "enum",
                    "required",
                    (("especially_major", "特别重大"), ("major", "重大"), ("large", "较大"), ("ordinary", "一般")),
                    help="突发事件级别",
                    example="一般",
                ),
                FieldSpec("occurred_at", "发生时间", "datetime", "required", help="事件发生的日期和时间", example="2022-05-06 08:20"),
                FieldSpec("first_response_at", "首次回应时间", "datetime", "column", help="首次发布权威信息的时间；未回应请留空", example="2022-05-06 11:00"),
                FieldSpec("press_release_at", "新闻发布时间", "datetime", "column", help="新闻发布的时间；未发布请留空", example="2022-05-06 18:00"),
            ),
        ),
        KindSpec(
            "activity",
            "activities",
            "工作活动台账",
            "date",
            (
                _id("HD2022-001"),
                _dept(),
                FieldSpec(
                    "type",
                    "类型",
                    "enum",
                    "required",
                    (
                        ("training", "政务公开培训"),
                        ("leader_briefing", "主要负责人听取汇报"),
                        ("leading_group_meeting", "领导小组会议"),
                        ("open_day", "政府开放日"),
                        ("open_week", "政府开放周"),
                        ("open_month", "政府开放月活动"),
                        ("public_attendance", "公众代表列席决策会议"),
                        ("dataset_update", "开放数据集更新"),
                        ("regulation_publicity", "新规宣传"),
                        ("website_inspection", "网站巡检"),
                        ("document_filing", "公文备案报送"),
                        ("progress_disclosure", "工作进展公开"),
                        ("other", "其他"),
                    ),
                    help="活动类型",
                ),
                FieldSpec("date", "日期", "date", "required", help="活动日期", example="2022-06-15"),
                FieldSpec("title", "名称", "text", help="活动名称", example="政务公开通识培训"),
                FieldSpec("note", "备注", "text", help="补充说明", example="全局各部门联络员参加"),
            ),
        ),
        KindSpec(
            "publication",
            "publications",
            "公开报告台账",
            None,  # placed in a year by covers_year through the date_by rules
            (
                _id("BG2022-001"),
                _dept(),
                FieldSpec(
                    "type",
                    "类型",
                    "enum",
                    "required",
                    (
                        ("foi_annual_report", "政府信息公开工作年度报告"),
                        ("rule_of_law_report", "法治政府建设年度报告"),
                        ("disclosure_guide", "政府信息公开指南"),
                        ("disclosure_catalog", "主动公开目录"),
                    ),
                    help="报告或目录类型",
                ),
                FieldSpec("covers_year", "所属年度", "year", help="报告所属年度，如 2021 年度报告填 2021；留空时按发布日期的上一年计", example="2021"),
                FieldSpec("published_at", "发布日期", "date", "column", help="发布日期；未发布请留空", example="2022-01-28"),
                FieldSpec("revised_at", "修订日期", "date", help="最近修订日期；未修订留空", example="2022-03-02"),
            ),
        ),
        KindSpec(
            "task",
            "tasks",
            "任务分解表台账",
            None,  # placed in a year by its plan year
            (
                _id("RW2022-001"),
                FieldSpec("plan", "任务分解表", "text", "required", help="所属任务分解表，如 2022年度政务公开工作任务分解表", example="2022年度政务公开工作任务分解表"),
                FieldSpec("item", "任务内容", "text", "required", help="任务内容（照录分解表原文）", example="年内组织政务公开通识培训不少于1次"),
                FieldSpec("lead_unit", "牵头单位", "text", help="牵头单位", example="政治处"),
                FieldSpec("units", "责任单位", "text", help="责任单位，多个用顿号或逗号分隔", example="指挥处、法制支队"),
                FieldSpec("due", "时间节点", "text", "required", help="照录分解表的时间节点，如 9月底前、全年、按季度", example="10月底前"),
                FieldSpec("completed_at", "完成日期", "date", "column", help="完成日期；未完成请留空", example="2022-06-15"),
                FieldSpec("evidence", "佐证材料", "text", help="佐证材料的名称或存放位置", example="培训通知及签到表"),
                FieldSpec(
                    "trigger_at",
                    "触发日期",
                    "date",
                    help="时间节点为相对期限（如 新规出台后1个月内）时，触发事件的日期；其他任务留空",
                ),
            ),
        ),
        KindSpec(
            "fact",
            "facts",
            "指标数值台账",
            "year",
            (
                FieldSpec(
                    "key",
                    "指标",
                    "text",
                    "required",
                    # Known indicators: the Chinese name is read as the code (the set stays open:
                    # a rule pack may ask for an indicator of its own by code).
                    (("appraisal_weight_percent", "政务公开绩效考核权重"),),
                    help="指标代码或名称，如 appraisal_weight_percent 或 政务公开绩效考核权重",
                    example="appraisal_weight_percent",
                ),
                FieldSpec("year", "年度", "year", "required", help="指标所属年度", example="2022"),
                FieldSpec("value", "数值", "float", "required", help="指标数值（百分比填数字，如 4.5 表示 4.5%）", example="4.5"),
                _dept("optional", example=""),
            ),
        ),
    )
}

KIND_BY_STEM: dict[str, str] = {}
for _spec in KINDS.values():
    for _alias in (_spec.name, _spec.stem, _spec.label):
        KIND_BY_STEM[_alias.lower()] = _spec.name

BOOL_TRUE = ("是", "true", "yes", "y", "1", "√", "✓", "✔", "t", "有", "已", "对")
BOOL_FALSE = ("否", "false", "no", "n", "0", "×", "✗", "x", "f", "无", "未")
