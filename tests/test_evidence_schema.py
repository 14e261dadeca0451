"""The evidence contract of DESIGN.md, held fixed: kinds, file stems, fields and enum values."""

from __future__ import annotations

from checker.evidence.schema import KIND_BY_STEM, KINDS

CONTRACT = {
    "consultation": ("consultations", ["id", "department", "channel", "received_at", "replied_at"]),
    "foi_request": (
        "foi_requests",
        ["id", "department", "received_at", "corrected_at", "third_party_from", "third_party_to", "extended",
         "extension_approved_by", "extension_notified_at", "replied_at", "outcome", "legal_basis"],
    ),  # fmt: skip
    "policy_document": ("policy_documents", ["id", "title", "department", "published_at", "affects_public", "status", "repeal_marked"]),
    "interpretation": ("interpretations", ["id", "document_id", "department", "form", "published_at"]),
    "decision": ("decisions", ["id", "title", "department", "consultation_start", "consultation_end", "issued_at", "feedback_published_at"]),
    "emergency": ("emergencies", ["id", "department", "level", "occurred_at", "first_response_at", "press_release_at"]),
    "activity": ("activities", ["id", "department", "type", "date", "title", "note"]),
    "publication": ("publications", ["id", "department", "type", "covers_year", "published_at", "revised_at"]),
    "task": ("tasks", ["id", "plan", "item", "lead_unit", "units", "due", "completed_at", "evidence", "trigger_at"]),  # trigger_at: our addition for relative time nodes (DESIGN.md: "relative to a trigger date")
    "fact": ("facts", ["key", "year", "value", "department"]),
}

ENUMS = {
    ("consultation", "channel"): {"online_platform": "网上咨询求助平台", "hotline_12345": "12345热线", "mailbox": "领导信箱", "website": "网站留言"},
    ("foi_request", "outcome"): {
        "disclosed": "予以公开", "partial": "部分公开", "withheld": "不予公开", "not_held": "无法提供", "not_processed": "不予处理", "other": "其他",
    },
    ("policy_document", "status"): {"effective": "有效", "repealed": "已废止", "expired": "已失效"},
    ("interpretation", "form"): {
        "text": "文字解读", "graphic": "图表图解", "video": "视频", "animation": "动漫", "demo": "流程演示",
        "press_conference": "新闻发布会", "interview": "在线访谈", "qa": "政策问答", "other": "其他",
    },
    ("emergency", "level"): {"especially_major": "特别重大", "major": "重大", "large": "较大", "ordinary": "一般"},
    ("activity", "type"): {
        "training": "政务公开培训", "leader_briefing": "主要负责人听取汇报", "leading_group_meeting": "领导小组会议",
        "open_day": "政府开放日", "open_week": "政府开放周", "open_month": "政府开放月活动", "public_attendance": "公众代表列席决策会议",
        "dataset_update": "开放数据集更新", "regulation_publicity": "新规宣传", "website_inspection": "网站巡检",
        "document_filing": "公文备案报送", "progress_disclosure": "工作进展公开", "other": "其他",
    },
    ("publication", "type"): {
        "foi_annual_report": "政府信息公开工作年度报告", "rule_of_law_report": "法治政府建设年度报告",
        "disclosure_guide": "政府信息公开指南", "disclosure_catalog": "主动公开目录",
    },
}  # fmt: skip


def test_kinds_stems_and_fields_are_the_contract() -> None:
    assert {name: (spec.stem, list(spec.field_names)) for name, spec in KINDS.items()} == CONTRACT


def test_enum_values_and_labels_are_the_contract() -> None:
    found = {(k, f.name): f.value_labels for k, spec in KINDS.items() for f in spec.fields if f.type == "enum"}
    assert found == ENUMS


def test_headers_are_unambiguous_within_a_kind() -> None:
    for spec in KINDS.values():
        keys = [f.name.lower() for f in spec.fields] + [f.label for f in spec.fields]
        assert len(keys) == len(set(keys)), spec.name
        for f in spec.fields:
            assert len({label for _, label in f.values}) == len(f.values), (spec.name, f.name)
            assert f.help, (spec.name, f.name)


def test_references_and_period_fields_exist() -> None:
    for spec in KINDS.values():
        if spec.period_field:
            assert spec.field(spec.period_field).type in ("date", "datetime", "year")
        for f in spec.fields:
            if f.references:
                assert "id" in KINDS[f.references].field_names
    assert KINDS["interpretation"].field("document_id").references == "policy_document"


def test_file_names_map_to_one_kind_each() -> None:
    for spec in KINDS.values():
        for alias in (spec.name, spec.stem, spec.label):
            assert KIND_BY_STEM[alias.lower()] == spec.name
    assert len(KIND_BY_STEM) == 3 * len(KINDS)
