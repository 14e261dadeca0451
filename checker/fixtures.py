"""Rule fixtures: passing, failing and pending evidence kept beside each pack, run by the test
suite and by `zwgk rules test` (also for users' own packs).

A pack `rules/foo.yaml` keeps its fixtures in `rules/fixtures/foo.yaml` (or, for a pack file
anywhere, `foo.fixtures.yaml` beside it), keyed by rule id::

    foo/consultation-reply-1wd:
      - name: 周六收到、周日调休上班日答复
        expect: pass                 # pass | fail | pending | not_applicable
        as_of: 2023-03-01
        year: 2022                   # optional, like --year
        records:                     # records of the rule's own kind
          - {id: C-1, department: 指挥处, channel: online_platform,
             received_at: "2022-10-08 11:00", replied_at: "2022-10-09 09:00"}
        evidence: {}                 # optional: records of other kinds, by kind name
        violations: [C-1]            # optional: the record ids (or departments) expected to fail

Every rule needs at least one `pass` and one `fail` fixture, and a rule with a deadline (a
`deadline` check, or a `related` check with `within`) also a `pending` one. A fixture marked
`todo: true` (a stub written by `zwgk draft`, not yet filled in) is never run: it counts as
missing, and while any stub is left the run fails (reported as 待完善, not as passing).

`records` go to the rule's own kind, whose ledger always counts as handed in (`records: []`:
kept, but empty). Rules that read other ledgers (`related`, `any_of` with a sub-check `kind`)
take those records from `evidence`; a kind missing there was not handed in at all, and `[]`
hands in an empty ledger. `violations` names each violation by its record id, else its
department (`count` per department), else the window it concerns (`frequency`: `2022年7月`),
else `"-"`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from checker.calendar import WorkCalendar
from checker.checks.base import EvalContext, StrictModel
from checker.errors import CheckerError, RuleError
from checker.evidence.load import empty_frame, evidence_from_records
from checker.evidence.schema import KINDS
from checker.rulepack import Rule, RulePack, validation_messages
from checker.yamlio import load_yaml_with_lines


class Fixture(StrictModel):
    name: str = Field(min_length=1)
    expect: Literal["pass", "fail", "pending", "not_applicable"]
    as_of: dt.date
    year: int | None = None
    records: list[dict[str, Any]] = []
    evidence: dict[str, list[dict[str, Any]]] = {}
    violations: list[str] | None = None
    todo: bool = False


class FixtureFile(StrictModel):
    fixtures: dict[str, list[Fixture]]


@dataclass(frozen=True)
class FixtureResult:
    rule_id: str
    name: str
    ok: bool
    detail: str
    todo: bool = False  # a failure because `todo: true` stubs are still waiting to be written


def fixture_path(pack_path: Path, pack_id: str) -> Path:
    beside = pack_path.with_name(f"{pack_path.stem}.fixtures.yaml")
    if beside.is_file():
        return beside
    return pack_path.parent / "fixtures" / f"{pack_id}.yaml"


def load_fixtures(path: Path) -> dict[str, list[Fixture]]:
    if not path.is_file():
        return {}
    data, lines = load_yaml_with_lines(path, error=RuleError)
    if data is None:
        return {}
    try:
        return FixtureFile.model_validate({"fixtures": data}).fixtures
    except ValidationError as exc:
        messages = validation_messages(exc, str(path), lines, {"fixtures": data})
        raise RuleError([m.replace("fixtures.", "", 1) for m in messages]) from None


def run_pack_fixtures(pack: RulePack, fixtures: dict[str, list[Fixture]], calendar: WorkCalendar) -> list[FixtureResult]:
    """Every fixture of every rule, plus a failed result for each rule short of fixtures and for
    each fixture naming a rule the pack does not have."""
    results: list[FixtureResult] = []
    rules = {rule.id: rule for rule in pack.rules}
    for rule_id in sorted(set(fixtures) - set(rules)):
        results.append(FixtureResult(rule_id, "-", False, "样例对应的规则不存在"))
    for rule in pack.rules:
        cases = fixtures.get(rule.id, [])
        written = [c for c in cases if not c.todo]
        needed = {"pass", "fail"} | ({"pending"} if has_deadline(rule) else set())
        missing = needed - {c.expect for c in written}
        stubs = sum(c.todo for c in cases)
        if missing:
            todo = f"（{stubs} 个待完善的 TODO 样例不计）" if stubs else ""
            zh = "、".join({"pass": "通过", "fail": "未通过", "pending": "待到期"}[m] for m in sorted(missing))
            results.append(FixtureResult(rule.id, "-", False, f"缺少{zh}样例{todo}", todo=bool(stubs)))
        elif stubs:
            results.append(FixtureResult(rule.id, "-", False, f"还有 {stubs} 个待完善的 TODO 样例（补写后删除 todo: true，或删除该样例）", todo=True))
        for case in written:
            results.append(run_fixture(rule, case, calendar))
    return results


def violation_key(v: dict[str, Any]) -> str:
    """How a fixture names a violation: its record, else its department, else its window."""
    return str(v["record_id"] or v["department"] or v.get("period") or "-")


def has_deadline(rule: Rule) -> bool:
    """Rules whose records can be not yet due: they need a `pending` fixture too."""
    check = rule.check
    return check.type == "deadline" or (check.type == "related" and check.within is not None)


def run_fixture(rule: Rule, case: Fixture, calendar: WorkCalendar) -> FixtureResult:
    """One fixture against one rule: the expected status and, when listed, the violations."""
    from checker.engine import (
        evaluate_rule,  # the engine imports the rule model, not fixtures
    )

    # The rule's own ledger is always handed in (possibly empty: nothing recorded yet); other
    # ledgers only when the fixture lists them, so "ledger not handed in" stays expressible.
    data = {**case.evidence, rule.kind: [*case.evidence.get(rule.kind, []), *case.records]}
    try:
        evidence = evidence_from_records({k: v for k, v in data.items() if v or k not in KINDS}, f"样例“{case.name}”")
        for kind in (k for k, v in data.items() if not v and k in KINDS):
            evidence.frames[kind] = empty_frame(KINDS[kind])
        ctx = EvalContext(as_of=case.as_of, year=case.year, calendar=calendar, evidence=evidence, departments=tuple(evidence.departments()))
        outcome = evaluate_rule(rule, ctx)
    except CheckerError as exc:
        return FixtureResult(rule.id, case.name, False, "样例数据有误：" + "；".join(exc.problems))
    problems = []
    if outcome.status != case.expect:
        problems.append(f"应为 {case.expect}，实际为 {outcome.status}（{outcome.measured}）")
    if case.violations is not None:
        got = sorted(violation_key(v) for v in outcome.violations)
        if got != sorted(case.violations):
            problems.append(f"违规记录应为 {sorted(case.violations)}，实际为 {got}")
    return FixtureResult(rule.id, case.name, not problems, "；".join(problems) or "通过")
