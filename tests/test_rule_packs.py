"""The built-in rule packs: every fixture, the runner's own checks, the sources, profiles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from checker.calendar import default_calendar
from checker.checks.base import EvalContext
from checker.engine import evaluate_rule
from checker.errors import RuleError
from checker.evidence.load import evidence_from_records
from checker.fixtures import (
    Fixture,
    fixture_path,
    load_fixtures,
    run_fixture,
    run_pack_fixtures,
)
from checker.rulepack import RulePack, builtin_rules_dir, load_pack, load_profile

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
LEGAL = REPO.parent / "shared" / "LEGAL.md"
PACK_IDS = ["jiangmen-psb-2022", "national-2019", "shanghai-district-2020", "shanghai-psb-2016", "songjiang-psb-2022", "zibo-psb-2022"]
SEED_PACKS = [p for p in PACK_IDS if p != "national-2019"]


def _packs() -> list[tuple[Path, RulePack]]:
    return [(path, load_pack(path)) for path in sorted(builtin_rules_dir().glob("*.yaml"))]


def _fixture_cases() -> list[pytest.param]:  # type: ignore[valid-type]
    cases = []
    for path, pack in _packs():
        fixtures = load_fixtures(fixture_path(path, pack.id))
        for rule in pack.rules:
            for case in fixtures.get(rule.id, []):
                cases.append(pytest.param(rule, case, id=f"{rule.id}::{case.name}"))
    return cases


def _pack(pack_id: str) -> RulePack:
    return load_pack(builtin_rules_dir() / f"{pack_id}.yaml")


def _norm(text: str) -> str:
    return "".join(text.split())


# --------------------------------------------------------------------------- fixtures
def test_every_seed_has_its_pack() -> None:
    assert sorted(pack.id for _, pack in _packs()) == PACK_IDS


@pytest.mark.parametrize(("rule", "case"), _fixture_cases())
def test_fixture(rule, case: Fixture) -> None:  # type: ignore[no-untyped-def]
    result = run_fixture(rule, case, default_calendar())
    assert result.ok, result.detail


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_rule_has_its_fixtures(pack_id: str) -> None:
    """pass + fail for every rule, pending for deadline rules, no fixture for a missing rule."""
    path = builtin_rules_dir() / f"{pack_id}.yaml"
    results = run_pack_fixtures(load_pack(path), load_fixtures(fixture_path(path, pack_id)), default_calendar())
    assert [r for r in results if not r.ok] == []
    assert {r.rule_id for r in results} == {rule.id for rule in _pack(pack_id).rules}


def test_a_rule_without_fixtures_fails_the_runner() -> None:
    pack = _pack("songjiang-psb-2022")
    fixtures = load_fixtures(fixture_path(builtin_rules_dir() / "songjiang-psb-2022.yaml", pack.id))
    fixtures.pop("songjiang-psb-2022/consultation-reply-1wd")
    fixtures.pop("songjiang-psb-2022/training-by-oct")
    bad = [(r.rule_id, r.name, r.detail) for r in run_pack_fixtures(pack, fixtures, default_calendar()) if not r.ok]
    assert bad == [
        ("songjiang-psb-2022/consultation-reply-1wd", "-", "缺少未通过、通过、待到期样例"),
        ("songjiang-psb-2022/training-by-oct", "-", "缺少未通过、通过样例"),
    ]


def test_a_fixture_for_an_unknown_rule_fails_the_runner() -> None:
    pack = _pack("jiangmen-psb-2022")
    fixtures = load_fixtures(fixture_path(builtin_rules_dir() / "jiangmen-psb-2022.yaml", pack.id))
    fixtures["jiangmen-psb-2022/no-such-rule"] = fixtures["jiangmen-psb-2022/dataset-update-yearly"]
    bad = [(r.rule_id, r.detail) for r in run_pack_fixtures(pack, fixtures, default_calendar()) if not r.ok]
    assert bad == [("jiangmen-psb-2022/no-such-rule", "样例对应的规则不存在")]


@pytest.mark.parametrize(
    ("pack_id", "rule_id", "changes", "now_wrong"),
    [
        # 3 working days instead of 1: Sat 10-08 → Tue 10-11 becomes on time.
        ("songjiang-psb-2022", "songjiang-psb-2022/consultation-reply-1wd", {"within": {"working_days": 3}}, "周六 10-08 收到，期限是调休上班的周日 10-09，周二才答复"),
        # 3 % instead of 4 %: the 3.5 % branch passes.
        ("shanghai-psb-2016", "shanghai-psb-2016/appraisal-weight-4pct", {"min": 3.0}, "一个分局权重只有3.5%"),
        # once a month instead of twice: July's single filing suffices.
        ("songjiang-psb-2022", "songjiang-psb-2022/document-filing-twice-monthly", {"min": 1}, "7月只报送1次（另一次记在8月1日），7月未达标"),
    ],
)
def test_a_broken_threshold_makes_its_fixture_fail(pack_id: str, rule_id: str, changes: dict, now_wrong: str) -> None:  # type: ignore[type-arg]
    pack = _pack(pack_id)
    rule = next(r for r in pack.rules if r.id == rule_id)
    check_type = type(rule.check)
    new_check = check_type.model_validate({**rule.check.model_dump(by_alias=True), **changes})
    broken = pack.model_copy(update={"rules": [r.model_copy(update={"check": new_check}) if r.id == rule_id else r for r in pack.rules]})
    fixtures = load_fixtures(fixture_path(builtin_rules_dir() / f"{pack_id}.yaml", pack_id))
    failed = {r.name: r.detail for r in run_pack_fixtures(broken, fixtures, default_calendar()) if not r.ok}
    assert list(failed) == [now_wrong]
    assert failed[now_wrong].startswith("应为 fail，实际为 pass")


# --------------------------------------------------------------------------- sources
@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"种子文件目录 {SEEDS} 不存在（仓库外的 ../shared/seeds），无法核对原文")
@pytest.mark.parametrize("pack_id", SEED_PACKS)
def test_every_quote_is_the_seeds_own_words(pack_id: str) -> None:
    pack = _pack(pack_id)
    seed = _norm((SEEDS / pack.pack.source_file).read_text(encoding="utf-8"))
    quotes = [(r.id, r.source.file, r.source.quote) for r in pack.rules] + [(n.clause, pack.pack.source_file, n.quote) for n in pack.not_checkable]
    assert [q for q in quotes if q[1] != pack.pack.source_file or _norm(q[2]) not in seed] == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"种子文件目录 {SEEDS} 不存在（仓库外的 ../shared/seeds），无法核对覆盖情况")
@pytest.mark.parametrize("pack_id", SEED_PACKS)
def test_every_seed_row_is_a_rule_or_not_checkable(pack_id: str) -> None:
    """Each task row of the seed holds the quote of a rule or a not_checkable entry, each entry
    quotes one row, and the pack names as many clauses as the seed has rows."""
    tasktable = pytest.importorskip("checker.tasktable", reason="checker.tasktable（任务分解表解析）不可用")
    pack = _pack(pack_id)
    seed = SEEDS / pack.pack.source_file
    rows = tasktable.parse_task_table(seed.read_text(encoding="utf-8"), seed.name).rows
    texts = [_norm((row.requirement or "") + row.measure + (row.due or "")) for row in rows]
    # The task_due rule quotes the table's title: it checks every row's time node, not one row.
    entries = [(r.source.clause, _norm(r.source.quote)) for r in pack.rules if r.kind != "task"]
    entries += [(n.clause, _norm(n.quote)) for n in pack.not_checkable]
    uncovered = [row.measure[:30] for row, text in zip(rows, texts, strict=True) if not any(q in text for _, q in entries)]
    assert uncovered == []
    stray = [clause for clause, q in entries if not any(q in text for text in texts)]
    assert stray == []
    assert len({clause for clause, _ in entries}) == len(rows)


@pytest.mark.skipif(not LEGAL.is_file(), reason=f"{LEGAL} 不存在，无法核对 national-2019 的原文")
def test_national_quotes_are_the_legal_summary_words() -> None:
    pack = _pack("national-2019")
    legal = _norm(LEGAL.read_text(encoding="utf-8"))
    quotes = [r.source.quote for r in pack.rules] + [n.quote for n in pack.not_checkable]
    assert [q for q in quotes if _norm(q) not in legal] == []
    covered = {r.source.clause for r in pack.rules} | {n.clause.split("（")[0] for n in pack.not_checkable}
    assert {"第二十六条", "第三十条", "第三十一条", "第三十二条", "第三十三条", "第三十五条", "第三十六条", "第四十九条", "第五十条"} <= covered


# --------------------------------------------------------------------------- the FOI case
def test_foi_deadline_with_restart_exclusion_and_extension() -> None:
    """Received Thu 2022-09-29; corrected Mon 2022-10-10; third party consulted 10-12..10-18;
    extended with approval and notice; replied 2022-12-20.

    * The clock restarts on the corrected application (条例 art. 30): counting starts 2022-10-10.
    * 20 working days after 10-10 would be 2022-11-07.
    * The consultation 10-12..10-18 holds 5 working days (12, 13, 14, 17, 18), not counted
      (art. 33): 25 working days after 10-10 = 2022-11-14, the original deadline.
    * The extension was approved and notified on 11-10, before 11-14: +20 working days →
      2022-12-12. (The National Day make-up days 10-08/10-09 lie before the restart: no effect.)
    * Replied 2022-12-20: 6 working days late.
    """
    cal = default_calendar()
    assert cal.add_working_days(dt.date(2022, 10, 10), 20) == dt.date(2022, 11, 7)
    assert cal.working_days_between(dt.date(2022, 10, 11), dt.date(2022, 10, 18)) == 5
    assert cal.add_working_days(dt.date(2022, 10, 10), 25) == dt.date(2022, 11, 14)
    assert cal.add_working_days(dt.date(2022, 11, 14), 20) == dt.date(2022, 12, 12)

    rule = next(r for r in _pack("national-2019").rules if r.id == "national-2019/foi-reply-20wd")
    record = {
        "id": "YSQ-1", "department": "指挥处", "received_at": "2022-09-29", "corrected_at": "2022-10-10",
        "third_party_from": "2022-10-12", "third_party_to": "2022-10-18", "extended": "是",
        "extension_approved_by": "王某某", "extension_notified_at": "2022-11-10", "replied_at": "2022-12-20",
    }  # fmt: skip
    evidence = evidence_from_records({"foi_request": [record]}, "t")
    ctx = EvalContext(as_of=dt.date(2023, 3, 1), year=2022, calendar=cal, evidence=evidence, departments=("指挥处",))
    outcome = evaluate_rule(rule, ctx)
    assert outcome.status == "fail"
    [v] = outcome.violations
    assert v["expected"] == "不晚于 2022-12-12（20个工作日内（含经批准延期20个工作日））"
    assert v["message"] == "收到补正日期 2022-10-10，应不晚于 2022-12-12，实际答复日期 2022-12-20，超期 6 个工作日（含经批准延期20个工作日）"


# --------------------------------------------------------------------------- profiles
def _profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_profile_selects_packs_and_overrides_a_city_limit(tmp_path: Path) -> None:
    path = _profile(
        tmp_path,
        "packs: [songjiang-psb-2022, national-2019]\n"
        "overrides:\n"
        "  songjiang-psb-2022/consultation-12345:\n"
        "    check: {within: {working_days: 3}}\n"
        "    severity: major\n",
    )
    packs = load_profile(path)
    assert [p.id for p in packs] == ["national-2019", "songjiang-psb-2022"]
    rule = next(r for r in packs[1].rules if r.id == "songjiang-psb-2022/consultation-12345")
    assert (rule.check.within.working_days, rule.check.start, rule.check.end, rule.severity) == (3, "received_at", "replied_at", "major")  # type: ignore[union-attr]
    assert rule.requirement_text() == "渠道为12345热线：答复时间不晚于收到时间后3个工作日"
    untouched = next(r for r in packs[1].rules if r.id == "songjiang-psb-2022/consultation-reply-1wd")
    assert untouched == next(r for r in _pack("songjiang-psb-2022").rules if r.id == untouched.id)


def test_profile_override_changes_the_verdict(tmp_path: Path) -> None:
    """A reply on the 5th working day fails a 3-working-day city limit, passes the default."""
    path = _profile(tmp_path, "packs: [songjiang-psb-2022]\noverrides:\n  songjiang-psb-2022/consultation-12345:\n    check: {within: {working_days: 3}}\n")
    record = {"id": "RX-1", "department": "交警支队", "channel": "hotline_12345", "received_at": "2022-09-26 10:00", "replied_at": "2022-10-09 16:00"}
    evidence = evidence_from_records({"consultation": [record]}, "t")
    ctx = EvalContext(as_of=dt.date(2023, 3, 1), year=2022, calendar=default_calendar(), evidence=evidence, departments=("交警支队",))
    default = next(r for r in _pack("songjiang-psb-2022").rules if r.id == "songjiang-psb-2022/consultation-12345")
    city = next(r for r in load_profile(path)[0].rules if r.id == default.id)
    assert (evaluate_rule(default, ctx).status, evaluate_rule(city, ctx).status) == ("pass", "fail")


def test_profile_pack_file_relative_to_the_profile(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "city.yaml").write_text((builtin_rules_dir() / "jiangmen-psb-2022.yaml").read_text(encoding="utf-8").replace("jiangmen-psb-2022", "city-2023"), encoding="utf-8")
    packs = load_profile(_profile(tmp_path, "packs: [mine/city.yaml]\n"))
    assert [p.id for p in packs] == ["city-2023"]


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            "packs: [songjiang-psb-2022, no-such-pack]\n",
            ["profile.yaml:1：packs[1]：未知的规则包 “no-such-pack”（内置规则包：jiangmen-psb-2022、national-2019、shanghai-district-2020、shanghai-psb-2016、songjiang-psb-2022、zibo-psb-2022；也可以给出相对于配置文件的 YAML 文件路径）"],
        ),
        (
            "packs:\n  - songjiang-psb-2022\n  - missing.yaml\n",
            ["profile.yaml:3：packs[1]：找不到规则文件 missing.yaml"],
        ),
        (
            "packs: [songjiang-psb-2022]\noverrides:\n  songjiang-psb-2022/consultation-2wd:\n    check: {within: {working_days: 2}}\n  zibo-psb-2022/training-yearly:\n    severity: minor\n",
            [
                "profile.yaml:3：overrides.songjiang-psb-2022/consultation-2wd：规则 “songjiang-psb-2022/consultation-2wd” 不在所选规则包中",
                "profile.yaml:5：overrides.zibo-psb-2022/training-yearly：规则 “zibo-psb-2022/training-yearly” 不在所选规则包中（其规则包未列在 packs 中）",
            ],
        ),
        (
            "packs: [songjiang-psb-2022]\noverrides:\n  songjiang-psb-2022/consultation-12345:\n    check:\n      within: {working_days: -3}\n",
            ["profile.yaml:5：overrides.songjiang-psb-2022/consultation-12345.check.within：期限不能为负数"],
        ),
        (
            "packs: [songjiang-psb-2022]\noverrides:\n  songjiang-psb-2022/consultation-12345:\n    check: {within: {working_days: 3, hours: 4}}\n",
            ["profile.yaml:4：overrides.songjiang-psb-2022/consultation-12345.check.within：within 必须且只能给出一个期限：working_days、days、hours 或 months"],
        ),
        (
            "packs: [songjiang-psb-2022]\noverrides:\n  songjiang-psb-2022/consultation-12345:\n    severity: fatal\n",
            ["profile.yaml:4：overrides.songjiang-psb-2022/consultation-12345.severity：取值 “fatal” 无效，应为 minor、major 或 critical"],
        ),
        (
            "packs: [songjiang-psb-2022]\noverrides:\n  songjiang-psb-2022/consultation-12345:\n    where: {channel: fax}\n",
            ["profile.yaml:3：overrides.songjiang-psb-2022/consultation-12345：字段 “channel” 没有取值 “fax”（可选：online_platform、hotline_12345、mailbox、website）"],
        ),
        (
            "packs: [songjiang-psb-2022]\noverrides:\n  songjiang-psb-2022/consultation-12345:\n    id: x/y\n    source: {quote: 改}\n",
            ["profile.yaml:3：overrides.songjiang-psb-2022/consultation-12345：不能覆盖字段 “id、source”（可覆盖：title、severity、where、check、effective_from、effective_to、note）"],
        ),
        (
            "packs: []\nrules: [x]\n",
            ["profile.yaml:1：packs：至少需要 1 项", "profile.yaml:2：rules：未知字段 “rules”"],
        ),
        ("- songjiang-psb-2022\n", ["profile.yaml:1：配置文件应为映射，包含 packs 和 overrides"]),
    ],
)
def test_profile_errors_name_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, messages: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    path = _profile(tmp_path, text)
    with pytest.raises(RuleError) as err:
        load_profile(Path("profile.yaml"))
    assert err.value.problems == messages
    assert path.is_file()


# --------------------------------------------------------------------------- effective dates
def test_effective_dates_split_the_two_foi_regimes() -> None:
    rules = {r.id: r for r in _pack("national-2019").rules}
    new, old = rules["national-2019/foi-reply-20wd"], rules["national-2019/foi-reply-15wd-2007"]
    assert (new.effective_from, old.effective_to) == (dt.date(2019, 5, 15), dt.date(2019, 5, 14))
    assert [(y, new.in_force(y), old.in_force(y)) for y in (2018, 2019, 2020)] == [(2018, False, True), (2019, True, True), (2020, True, False)]
    assert rules["national-2019/annual-report-jan31"].in_force(2004)


def test_every_20_working_day_foi_rule_starts_with_the_2019_regulation() -> None:
    """A city pack's FOI rule repeats the 2019 regulation's 20 days: without --year, a request of
    2018 must not be judged by it (20 + 20 days) while the national 2007 rule gives 15 + 15."""
    rules = [r for _, pack in _packs() for r in pack.rules if r.check.type == "deadline" and r.kind == "foi_request"]
    twenty = [r for r in rules if r.check.within.working_days == 20]
    assert len(twenty) >= 2
    assert all(r.effective_from == dt.date(2019, 5, 15) for r in twenty), [r.id for r in twenty if r.effective_from != dt.date(2019, 5, 15)]
