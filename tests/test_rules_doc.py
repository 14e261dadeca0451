"""docs/rules.md is generated from the packs and the check modules, and nothing is undocumented."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.checks import MODULES
from checker.rulepack import resolve_packs
from checker.rulesdoc import _check_models, _nested_models, render

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_doc_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), "docs/rules.md 已过期：请运行 python -m checker.rulesdoc > docs/rules.md"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_check_module_documents_itself(name: str) -> None:
    doc = MODULES[name].__doc__ or ""
    assert doc.startswith(f"`{name}`: ")
    for section in ("What it does", "Statuses", "Example (PASS / FAIL)::"):
        assert f"\n{section}" in doc, section
    assert "PASS" in doc and "FAIL" in doc


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_check_parameter_is_described(name: str) -> None:
    model = _check_models()[name]
    undocumented = [
        f"{m.__name__}.{field}" for m in (model, *_nested_models(model)) for field, info in m.model_fields.items() if field != "type" and not info.description
    ]
    assert undocumented == []


def test_every_pack_clause_and_rule_is_in_the_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    for pack in resolve_packs([]):
        assert f"## `{pack.id}` {pack.pack.title}" in text
        for rule in pack.rules:
            assert text.count(f"`{rule.id}`") >= 2, rule.id  # the clause table and the rule table
        for item in pack.not_checkable:
            assert f"| {item.clause} |" in text, item.clause


def test_clauses_follow_the_source_numbering() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## `songjiang-psb-2022`")[1].split("### 规则")[0]
    order = [line.split(" | ")[0].removeprefix("| ") for line in section.splitlines() if line.startswith(("| 一", "| 二", "| 三"))]
    assert order[0].startswith("一（一）") and order[-1] == "三（十一）狠抓工作落实"
    assert order.index("三（十）强化经费保障") < order.index("三（十一）年内组织政务公开通识培训")
