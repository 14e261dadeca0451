"""`zwgk draft`: rules proposed from a task table, measured against the hand-written packs.

The recall test compares each hand-written rule (except the table-wide `tasks-on-time`) with the
draft of the same seed: a drafted rule must quote the same row and agree on (kind, check type,
number, unit). The number test reads every number back out of the drafted rule's own words.
Neither test uses the drafting code's notion of a match; they parse the seeds and the YAML.
"""

from __future__ import annotations

import calendar as months
import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.draft import Draft, draft_pack, render_pack, write_draft
from checker.errors import UsageError
from checker.fixtures import fixture_path, load_fixtures, run_pack_fixtures
from checker.rulepack import Rule, RulePack, builtin_rules_dir, load_pack
from checker.taskfiles import read_task_table
from checker.tasktable import SEED_TABLES, TaskTableError, parse_task_table

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds（任务分解表原文）不在本机")
SEED_IDS = [seed.pack for seed in SEED_TABLES]


# --------------------------------------------------------------------------- helpers
def _norm(text: str) -> str:
    return "".join(text.split()).translate(str.maketrans("０１２３４５６７８９％", "0123456789%"))


_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _literal_numbers(text: str) -> set[int]:
    """Every number written in `text`: digits (full-width too) and single Chinese numerals."""
    text = _norm(text)
    return {int(n) for n in re.findall(r"\d+", text)} | {_CN[ch] for ch in text if ch in _CN}


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[RulePack, Path, Draft]]:
    """Every seed drafted, written to disk and loaded back with the ordinary pack loader."""
    out: dict[str, tuple[RulePack, Path, Draft]] = {}
    if not SEEDS.is_dir():
        return out
    for seed in SEED_TABLES:
        folder = tmp_path_factory.mktemp(seed.pack)
        draft = draft_pack(read_task_table(SEEDS / seed.file), seed.pack, seed.plan_year)
        write_draft(draft, folder)
        out[seed.pack] = (load_pack(folder / f"{seed.pack}.yaml"), folder, draft)
    return out


def _rows(pack_id: str) -> list[str]:
    seed = next(s for s in SEED_TABLES if s.pack == pack_id)
    table = parse_task_table((SEEDS / seed.file).read_text(encoding="utf-8"), seed.file)
    return [_norm((row.requirement or "") + row.measure + (row.due or "")) for row in table.rows]


def _row_of(quote: str, rows: list[str]) -> set[int]:
    return {i for i, text in enumerate(rows) if _norm(quote) in text}


def _within(within: Any) -> tuple[int | None, str | None]:
    if within is None:
        return None, None
    for unit in ("working_days", "days", "hours", "months"):
        value = getattr(within, unit)
        if value is not None:
            return value, unit
    raise AssertionError(within)


def _key(kind: str, check: Any) -> tuple[Any, ...]:
    """(kind, check type, number, unit) — what a drafted rule must agree on with the hand's."""
    t = check.type
    if t in ("deadline", "related"):
        return (kind, t, *_within(check.within))
    if t == "count":
        return (kind, t, check.min, "count")
    if t == "frequency":
        return (kind, t, check.min, check.per)
    if t == "ratio":
        return (kind, t, round(check.min * 100), "percent")
    if t == "threshold":
        return (kind, t, check.min if check.min is not None else check.max, check.key)
    if t == "duration":
        return (kind, t, check.min.days, "days")
    if t == "date_by":
        return (kind, t, check.due, "month_day")
    if t == "required":
        return (kind, t, tuple(check.fields), "fields")
    if t == "any_of":
        return (kind, t, tuple(_key(sub.kind or kind, sub.check) for sub in check.checks), "any_of")
    raise AssertionError(t)


# --------------------------------------------------------------------------- acceptance
@needs_seeds
@pytest.mark.parametrize("pack_id", SEED_IDS)
def test_draft_recognises_the_hand_written_rules(pack_id: str, drafted: dict[str, tuple[RulePack, Path, Draft]]) -> None:
    hand = load_pack(builtin_rules_dir() / f"{pack_id}.yaml")
    draft, _, _ = drafted[pack_id]
    rows = _rows(pack_id)
    wanted = [r for r in hand.rules if r.kind != "task"]
    offered = [(_row_of(r.source.quote, rows), _key(r.kind, r.check)) for r in draft.rules if r.kind != "task"]
    found, missed = [], []
    for rule in wanted:
        where = _row_of(rule.source.quote, rows)
        assert where, f"{rule.id} 的原文不在任何一行中"
        hit = any(where & at and key == _key(rule.kind, rule.check) for at, key in offered)
        (found if hit else missed).append(rule.id)
    recall = len(found) / len(wanted)
    print(f"{pack_id}: recall {len(found)}/{len(wanted)} = {recall:.0%}; missed {missed}")
    assert recall >= 0.9, f"{pack_id}: 识别率 {recall:.0%} 低于 90%，未识别：{missed}"


@needs_seeds
@pytest.mark.parametrize("pack_id", SEED_IDS)
def test_every_drafted_number_is_written_in_its_quote(pack_id: str, drafted: dict[str, tuple[RulePack, Path, Draft]]) -> None:
    """No invented numbers: each parameter is in the quoted words (or the row's time node that the
    note cites); the only exceptions are structural and checked as such."""
    draft, _, _ = drafted[pack_id]
    rows = _rows(pack_id)
    seed = next(s for s in SEED_TABLES if s.pack == pack_id)
    table = parse_task_table((SEEDS / seed.file).read_text(encoding="utf-8"), seed.file)
    national = {r.id: r for r in load_pack(builtin_rules_dir() / "national-2019.yaml").rules}
    problems: list[str] = []
    for rule in draft.rules:
        if rule.kind == "task":
            continue
        quote = rule.source.quote
        assert _norm(quote) in "".join(rows), f"{rule.id}：原文不是分解表中的文字"
        cited = [n for n in national if n in (rule.note or "")]
        if cited:  # 法定时限: the statutory rule's own parameters, cited by id
            assert rule.check.model_dump() | {"covers": None} == national[cited[0]].check.model_dump() | {"covers": None}, rule.id
            continue
        (row,) = _row_of(quote, rows) or {None}
        due = table.rows[row].due if row is not None else None
        time_cited = bool(due) and f"时间节点“{due}”" in (rule.note or "")
        problems += _number_problems(rule, rule.check, quote, due if time_cited else None)
    assert problems == []


def _number_problems(rule: Rule, check: Any, quote: str, time_node: str | None) -> list[str]:
    written = _literal_numbers(quote)
    around = written | (_literal_numbers(time_node) if time_node else set())
    states_count = bool(re.search(r"[\d一二两三四五六七八九十]+\s*次", _norm(quote)))
    problems = []

    def amount(value: float, what: str) -> None:
        if value not in written and not (value == 0 and "同步" in quote):
            problems.append(f"{rule.id}：{what} {value} 不在原文“{quote}”中")

    def day(text: str, what: str) -> None:
        month, d = (int(p) for p in text[-5:].split("-"))
        last = months.monthrange(2023, month)[1]
        if month not in around and not (text[-5:] == "12-31" and re.search(r"年底|全年", quote + (time_node or ""))):
            problems.append(f"{rule.id}：{what} 的月份 {month} 既不在原文也不在所引时间节点中")
        if d not in around and d != last and not (what == "from" and d == 1):
            problems.append(f"{rule.id}：{what} 的日期 {d} 既不在原文也不是月末")

    t = check.type
    if t in ("deadline", "related") and check.within is not None:
        amount(_within(check.within)[0], "期限")
    if t == "deadline" and check.extension is not None:
        amount(check.extension.working_days, "延期")
    if t in ("count", "frequency"):
        if states_count:
            if check.min not in written:
                problems.append(f"{rule.id}：次数 {check.min} 不在原文“{quote}”中")
        elif check.min != 1:
            problems.append(f"{rule.id}：原文没有写次数，最少次数只能是 1（存在即可），实际为 {check.min}")
    if t == "count":
        for what in ("from_", "by"):
            if getattr(check, what):
                day(getattr(check, what), what.rstrip("_"))
    if t == "ratio":
        amount(round(check.min * 100), "比例")
    if t == "threshold":
        amount(check.min if check.min is not None else check.max, "阈值")
    if t == "duration":
        amount(check.min.days, "天数")
    if t == "date_by":
        day(check.due, "due")
    if t == "any_of":
        for sub in check.checks:
            problems += _number_problems(rule, sub.check, quote, time_node)
    return problems


# --------------------------------------------------------------------------- unknown phrasing
TABLE = """测试局2023年政务公开工作任务分解表
\t序号\t任务内容\t责任单位\t时间节点

\t1\t收到群众来信后尽快答复。\t办公室\t全年

\t2\t有关事项应在5个工作日内办结。\t办公室\t全年

\t3\t按照规定时限做好留言答复。\t办公室\t全年

\t4\t每年开展若干次专题宣传。\t办公室\t全年

\t5\t网上咨询答复期限不超过2个工作日。\t办公室\t全年

\t6\t年内开展专项检查不少于3次。\t办公室\t9月底前

\t7\t延长的期限不得超过15个工作日。\t办公室\t全年
"""


def _draft_text(tmp_path: Path, text: str, pack_id: str = "test-2023", name: str = "表.txt") -> Draft:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    source = read_task_table(path)
    return draft_pack(source, pack_id, source.table.plan_year or 2023)


def test_unknown_phrasing_never_becomes_a_rule_with_a_guessed_number(tmp_path: Path) -> None:
    draft = _draft_text(tmp_path, TABLE)
    rules = {r.rule.id: r for r in draft.rules}
    assert sorted(rules) == ["test-2023/consultation-reply-2wd", "test-2023/other-min-3-by-09-30", "test-2023/tasks-on-time"]
    assert rules["test-2023/consultation-reply-2wd"].rule.check.within.working_days == 2  # type: ignore[union-attr]
    # An unknown activity keeps its number but says it cannot tell what the activity is.
    other = rules["test-2023/other-min-3-by-09-30"]
    assert other.proposal is not None and not other.proposal.kind_sure
    assert (other.rule.where, other.rule.check.min, other.rule.check.by) == ({"type": "other"}, 3, "09-30")  # type: ignore[union-attr]
    candidates = {c.row + 1: c for c in draft.candidates}
    assert sorted(candidates) == [1, 2, 3, 4, 7]
    assert {n for n, c in candidates.items() if c.uncertain} == {2, 3, 7}
    assert "“5个工作日”" in candidates[2].reason and "规定时限" in candidates[3].reason
    assert "“尽快”没有量化期限" in candidates[1].reason
    text = render_pack(draft)
    assert "kind: activity  # TODO 请确认台账类型" in text
    assert text.count("# TODO 请确认台账类型") == 1


def test_a_subject_from_another_sentence_is_marked_for_review(tmp_path: Path) -> None:
    text = "测试局2023年任务分解表\n\t序号\t任务内容\t责任单位\n\n\t1\t严格落实网上咨询答复要求。答复期限不超过2个工作日。\t办公室\n"
    draft = _draft_text(tmp_path, text)
    (item,) = [r for r in draft.rules if r.rule.kind != "task"]
    assert item.rule.kind == "consultation" and item.rule.source.quote == "答复期限不超过2个工作日"
    assert item.proposal is not None and not item.proposal.kind_sure
    assert "# TODO 对象取自本行其他句子，请确认" in render_pack(draft)


@pytest.mark.parametrize(
    ("sentence", "due", "kind", "where", "check"),
    [
        ("每月3次报送新增公文备案。", "全年", "activity", {"type": "document_filing"}, {"type": "frequency", "per": "month", "min": 3}),
        ("每周对门户网站进行巡检。", "全年", "activity", {"type": "website_inspection"}, {"type": "frequency", "per": "week", "min": 1}),
        ("每季度末公开重点工作进展情况。", "按季度", "activity", {"type": "progress_disclosure"}, {"type": "frequency", "per": "quarter", "min": 1}),
        ("年内组织政务公开培训不少于两次。", "全年", "activity", {"type": "training"}, {"type": "count", "min": 2}),
        ("11月底前召开领导小组会议至少一次。", "全年", "activity", {"type": "leading_group_meeting"}, {"type": "count", "min": 1, "by": "11-30"}),
        ("举办政府开放月活动。", "9月", "activity", {"type": "open_month"}, {"type": "count", "min": 1, "from": "09-01", "by": "09-30"}),
        ("较大突发事件发生后，应在3小时内首次回应。", "全年", "emergency", {"level": ["especially_major", "major", "large"]},
         {"type": "deadline", "end": "first_response_at", "within": {"hours": 3}}),
        ("应当自收到申请之日起15个工作日内予以答复。", "全年", "foi_request", {}, {"type": "deadline", "end": "replied_at", "within": {"working_days": 15}}),
        ("12345热线答复期限不超过3个工作日。", "全年", "consultation", {"channel": "hotline_12345"}, {"type": "deadline", "within": {"working_days": 3}}),
        ("政策出台后7个工作日内公开意见采纳情况。", "全年", "decision", {}, {"type": "deadline", "end": "feedback_published_at", "within": {"working_days": 7}}),
        ("解读材料应于文件公开后2个工作日内发布。", "全年", "policy_document", {}, {"type": "related", "within": {"working_days": 2}}),
        ("公开征求意见期限不少于20日。", "全年", "decision", {"consultation_start": {"empty": False}}, {"type": "duration", "min": {"days": 20}}),
        ("多元化解读形式占全部解读的比例不低于60%。", "全年", "interpretation", {}, {"type": "ratio", "min": 0.6}),
        ("绩效考核中政务公开分值权重不低于5%。", "全年", "fact", {}, {"type": "threshold", "key": "appraisal_weight_percent", "min": 5}),
        ("于每年的2月28日前发布《法治政府建设情况年度报告》。", "全年", "publication", {"type": "rule_of_law_report"}, {"type": "date_by", "due": "02-28"}),
        ("按时发布政府信息公开年报。", "2月15日前", "publication", {"type": "foi_annual_report"}, {"type": "date_by", "due": "02-15"}),
        ("对已废止的文件进行标注。", "全年", "policy_document", {"status": ["repealed", "expired"]}, {"type": "required", "fields": ["repeal_marked"]}),
        ("凡有文字解读的文件要有视频解读。", "全年", "interpretation", {"form": "text"}, {"type": "related", "other_where": {"form": "video"}}),
    ],
)
def test_recognised_phrasing(tmp_path: Path, sentence: str, due: str, kind: str, where: dict[str, Any], check: dict[str, Any]) -> None:
    text = f"测试局2023年任务分解表\n\t序号\t任务内容\t责任单位\t时间节点\n\n\t1\t{sentence}\t办公室\t{due}\n"
    draft = _draft_text(tmp_path, text)
    rules = [r.rule for r in draft.rules if r.rule.kind != "task"]
    assert len(rules) == 1, [r.id for r in rules]
    rule = rules[0]
    data = rule.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert (rule.kind, data["where"]) == (kind, where)
    assert {k: data["check"].get(k) for k in check} == check
    assert rule.source.quote in sentence


def test_each_limit_of_an_emergency_sentence_gets_its_own_end_and_the_foi_extension_is_kept(tmp_path: Path) -> None:
    rows = ["突发事件发生后2小时内首次回应，24小时内召开新闻发布会。", "突发事件发生后5小时内发布权威信息，24小时内举行新闻发布会。", "依申请公开答复期限不超过20个工作日，延长期限不超过20个工作日。"]
    text = "测试局2023年任务分解表\n\t序号\t任务内容\t责任单位\t时间节点\n\n" + "\n".join(f"\t{i}\t{r}\t办公室\t全年\n" for i, r in enumerate(rows, 1))
    found = {(r.rule.check.end, str(r.rule.check.within.text())) for r in _draft_text(tmp_path, text).rules if r.rule.kind == "emergency"}  # type: ignore[union-attr]
    assert found == {("first_response_at", "2小时"), ("press_release_at", "24小时"), ("first_response_at", "5小时")}
    [foi] = [r.rule for r in _draft_text(tmp_path, text).rules if r.rule.kind == "foi_request"]
    assert foi.check.extension is not None and foi.check.extension.working_days == 20  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("sentence", "shown"),
    [
        ("分局主要领导每半年至少专门听取1次工作汇报。", "每半年"),
        ("每两周至少1次报送公文备案。", "每两周"),
        ("决策文件出台之日起十个工作日内公开意见采纳情况。", "十个工作日"),
        ("每年开展两次政务公开培训。", "两次"),
        ("政务公开工作考核权重不低于百分之四。", "百分之四"),
        ("多元化解读比例不低于六成。", "六成"),
        ("网站每日巡检一次。", "每日"),
    ],
)
def test_periods_and_numbers_no_pattern_reads_are_shown_not_dropped_or_made_yearly(tmp_path: Path, sentence: str, shown: str) -> None:
    text = f"测试局2023年任务分解表\n\t序号\t任务内容\t责任单位\t时间节点\n\n\t1\t{sentence}\t办公室\t全年\n"
    draft = _draft_text(tmp_path, text)
    assert [r.rule.id for r in draft.rules if r.rule.kind != "task"] == []
    assert any(f"“{shown}”" in c.reason for c in draft.candidates), [c.reason for c in draft.candidates]


def test_a_time_node_of_another_year_is_marked(tmp_path: Path) -> None:
    text = "测试局2023年任务分解表\n\t序号\t任务内容\t责任单位\t时间节点\n\n\t1\t组织开展政府开放日活动不少于1次。\t办公室\t2022.9\n"
    assert "期间截止 2022-09-30 不在分解表年度 2023 内" in render_pack(_draft_text(tmp_path, text))


# --------------------------------------------------------------------------- files and CLI
@needs_seeds
def test_draft_files_load_and_stubs_are_reported_missing(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed = SEEDS / "000_395d5336aab62eea.txt"
    result = zwgk("draft", seed, "--pack-id", "songjiang-psb-2023", "--year", "2023", "--out", tmp_path)
    assert result.code == 0, result.err
    pack_file = tmp_path / "songjiang-psb-2023.yaml"
    for name in ("songjiang-psb-2023.yaml", "fixtures/songjiang-psb-2023.yaml", "tasks_songjiang-psb-2023.csv", "songjiang-psb-2023.draft.md"):
        assert (tmp_path / name).is_file(), name
    listed = zwgk("rules", "list", "--rules", pack_file)
    assert listed.code == 0, listed.err
    pack = load_pack(pack_file)
    assert all(rule.id in listed.out for rule in pack.rules)
    tested = zwgk("rules", "test", pack_file)
    assert tested.code == 1
    assert f"0/{len(pack.rules)} 通过" in tested.out
    assert tested.out.count("[待完善]") == len(pack.rules) and "[通过]" not in tested.out
    results = run_pack_fixtures(pack, load_fixtures(fixture_path(pack_file, pack.id)), _calendar())
    assert results and all(not r.ok and r.todo for r in results)
    report = (tmp_path / "songjiang-psb-2023.draft.md").read_text(encoding="utf-8")
    for rule in pack.rules:
        assert rule.id in report or rule.kind == "task"
    assert "12345市民服务热线公安专线遵照市府12345热线办理期限" in report  # the one uncertain row


def _calendar():  # type: ignore[no-untyped-def]
    from checker.calendar import default_calendar

    return default_calendar()


def test_a_leftover_todo_stub_keeps_the_run_failing() -> None:
    path = builtin_rules_dir() / "songjiang-psb-2022.yaml"
    pack = load_pack(path)
    fixtures = load_fixtures(fixture_path(path, pack.id))
    rule_id = "songjiang-psb-2022/training-by-oct"
    assert all(r.ok for r in run_pack_fixtures(pack, fixtures, _calendar()) if r.rule_id == rule_id)
    stub = fixtures[rule_id][0].model_copy(update={"name": "TODO 补充", "todo": True})
    fixtures[rule_id] = [*fixtures[rule_id], stub]
    bad = [r for r in run_pack_fixtures(pack, fixtures, _calendar()) if not r.ok]
    assert [(r.rule_id, r.todo) for r in bad] == [(rule_id, True)]
    assert "还有 1 个待完善的 TODO 样例" in bad[0].detail


@needs_seeds
def test_draft_never_overwrites_without_force(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed = SEEDS / "004_853dcc8e64b86f58.txt"
    (tmp_path / "shanghai-district-2021.draft.md").write_text("我的审核记录", encoding="utf-8")
    refused = zwgk("draft", seed, "--pack-id", "shanghai-district-2021", "--out", tmp_path)
    assert refused.code == 2
    assert "已存在" in refused.err and "--force" in refused.err
    assert not (tmp_path / "shanghai-district-2021.yaml").exists()
    assert (tmp_path / "shanghai-district-2021.draft.md").read_text(encoding="utf-8") == "我的审核记录"
    forced = zwgk("draft", seed, "--pack-id", "shanghai-district-2021", "--out", tmp_path, "--force")
    assert forced.code == 0, forced.err
    assert load_pack(tmp_path / "shanghai-district-2021.yaml").pack.year == 2020  # from the title


@needs_seeds
def test_draft_writes_all_four_files_or_none(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file named `fixtures` where the fixtures folder goes stopped the second write after the
    pack was written (exit 3); now nothing is written, also with --force."""
    seed = SEEDS / "004_853dcc8e64b86f58.txt"
    (tmp_path / "fixtures").write_text("不是文件夹", encoding="utf-8")
    for extra in ((), ("--force",)):
        result = zwgk("draft", seed, "--pack-id", "shanghai-district-2021", "--out", tmp_path, *extra)
        assert result.code == 2 and "内部错误" not in result.err
        assert f"挡住了要建的文件夹，未写入任何文件：{tmp_path / 'fixtures'}" in result.err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["fixtures"]


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("缺失.txt", None, [], "找不到文件"),
        ("表.pdf", "x", [], "不支持的文件类型"),
        ("表.txt", TABLE, ["--pack-id", "Bad_ID"], "--pack-id “Bad_ID” 无效"),
        ("表.txt", TABLE.replace("2023年", ""), [], "请用 --year 指定计划年度"),
        ("表.txt", "某表\n\t序号\t任务内容\t责任单位\n\n\t1\t\t办公室\n", ["--year", "2023"], "表.txt 第4行"),
        ("表.docx", "不是 zip", ["--year", "2023"], "无法作为 Word（.docx）文件打开"),
    ],
)
def test_draft_errors_name_the_file(zwgk, tmp_path: Path, name: str, content: str | None, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    pack_args = [] if "--pack-id" in args else ["--pack-id", "test-2023"]
    result = zwgk("draft", path, *pack_args, *args, "--out", tmp_path / "out")
    assert result.code == 2
    assert message in result.err
    assert not (tmp_path / "out").exists()


@needs_seeds
def test_tasks_file_matches_the_shipped_ledger(drafted: dict[str, tuple[RulePack, Path, Draft]], zwgk) -> None:  # type: ignore[no-untyped-def]
    for pack_id, (_, folder, _) in drafted.items():
        mine = list(csv.reader(io.StringIO((folder / f"tasks_{pack_id}.csv").read_text(encoding="utf-8-sig"))))
        shipped = list(csv.reader(io.StringIO((REPO / "rules" / "ledgers" / f"tasks_{pack_id}.csv").read_text(encoding="utf-8-sig"))))
        assert [row[1:] for row in mine] == [row[1:] for row in shipped], pack_id
        assert len({row[0] for row in mine[1:]}) == len(mine) - 1
    folder = drafted["songjiang-psb-2022"][1]
    result = zwgk("validate", folder / "tasks_songjiang-psb-2022.csv")
    assert result.code == 0, result.err


# --------------------------------------------------------------------------- DOCX and XLSX
def _seed_grid(pack_id: str) -> tuple[str, list[str], list[list[str]]]:
    seed = next(s for s in SEED_TABLES if s.pack == pack_id)
    table = parse_task_table((SEEDS / seed.file).read_text(encoding="utf-8"), seed.file)
    header = list(table.header)
    rows = []
    for row in table.rows:
        cells = [row.cells[name] if name not in row.filled else "" for name in header]
        # unit cells are one unit a line in the tables; the parser joins lines with 、
        rows.append([cell.replace("、", "\n") if name in ("责任部门", "责任单位", "牵头单位") else cell for name, cell in zip(header, cells, strict=True)])
    return table.title, header, rows


def _same_rows(a: Any, b: Any) -> None:
    assert a.title == b.title and a.header == b.header
    assert [(r.section, r.measure, r.lead_unit, r.units, r.due) for r in a.rows] == [(r.section, r.measure, r.lead_unit, r.units, r.due) for r in b.rows]


@needs_seeds
def test_docx_with_merged_cells_reads_like_the_text(tmp_path: Path) -> None:
    import docx
    title, header, rows = _seed_grid("songjiang-psb-2022")
    document = docx.Document()
    document.add_paragraph("附件")
    document.add_paragraph(title)
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    for j, name in enumerate(header):
        table.cell(0, j).text = name
    for i, cells in enumerate(rows, start=1):
        for j, text in enumerate(cells):
            if text:
                table.cell(i, j).text = text
    # merge each run of empty cells into the filled cell above it (Word's merged headings)
    for j in range(len(header)):
        top = 1
        for i in range(2, len(rows) + 2):
            if i == len(rows) + 1 or rows[i - 1][j]:
                if i - 1 > top:
                    table.cell(top, j).merge(table.cell(i - 1, j))
                top = i
    path = tmp_path / "分解表.docx"
    document.save(str(path))
    source = read_task_table(path)
    seed = next(s for s in SEED_TABLES if s.pack == "songjiang-psb-2022")
    _same_rows(source.table, parse_task_table((SEEDS / seed.file).read_text(encoding="utf-8"), seed.file))
    assert source.where(source.table.rows[1].line) == "表格1第3行"
    from_docx = draft_pack(source, "songjiang-psb-2022", 2022)
    from_text = draft_pack(read_task_table(SEEDS / seed.file), "songjiang-psb-2022", 2022)
    assert [(r.rule.id, r.rule.check) for r in from_docx.rules] == [(r.rule.id, r.rule.check) for r in from_text.rules]


def test_docx_section_rows_spans_and_repeated_headers(tmp_path: Path) -> None:
    import docx
    document = docx.Document()
    document.add_paragraph("测试局2023年政务公开任务分解表")
    first = document.add_table(rows=4, cols=3)
    for j, name in enumerate(["具体措施", "责任单位", "时间节点"]):
        first.cell(0, j).text = name
    first.cell(1, 0).merge(first.cell(1, 2)).text = "一、基础工作"  # a section title across the row
    first.cell(2, 0).text = "年内组织政务公开培训不少于2次。"
    first.cell(2, 1).text = "办公室\n法制科"
    first.cell(2, 2).text = "10月底前"
    first.cell(3, 0).text = "网上咨询答复期限不超过1个工作日。"
    first.cell(2, 1).merge(first.cell(3, 1))
    first.cell(2, 2).merge(first.cell(3, 2))
    second = document.add_table(rows=2, cols=3)  # the next page repeats the header
    for j, name in enumerate(["具体措施", "责任单位", "时间节点"]):
        second.cell(0, j).text = name
    for j, text in enumerate(["每周对网站进行巡检。", "信息科", "全年"]):
        second.cell(1, j).text = text
    path = tmp_path / "表.docx"
    document.save(str(path))
    source = read_task_table(path)
    table = source.table
    assert table.title == "测试局2023年政务公开任务分解表" and table.plan_year == 2023
    assert [(r.section, r.units, r.due) for r in table.rows] == [
        (("一、基础工作",), "办公室、法制科", "10月底前"),
        (("一、基础工作",), "办公室、法制科", "10月底前"),
        (("一、基础工作",), "信息科", "全年"),
    ]
    assert [source.where(r.line) for r in table.rows] == ["表格1第3行", "表格1第4行", "表格2第2行"]
    ids = [r.rule.id for r in draft_pack(source, "test-2023", 2023).rules]
    assert ids == ["test-2023/training-min-2-by-10-31", "test-2023/consultation-reply-1wd", "test-2023/website-inspection-1-per-week", "test-2023/tasks-on-time"]


def test_docx_row_errors_name_the_table_row(tmp_path: Path) -> None:
    import docx
    document = docx.Document()
    document.add_paragraph("测试局2023年任务分解表")
    table = document.add_table(rows=3, cols=2)
    for j, text in enumerate(["任务内容", "责任单位", "年内培训不少于1次。", "办公室", "", "办公室"]):
        table.cell(j // 2, j % 2).text = text
    path = tmp_path / "表.docx"
    document.save(str(path))
    with pytest.raises(TaskTableError) as caught:
        read_task_table(path)
    assert "表.docx 表格1第3行" in str(caught.value)


@needs_seeds
def test_xlsx_with_merged_cells_reads_like_the_text(tmp_path: Path) -> None:
    import openpyxl
    title, header, rows = _seed_grid("shanghai-district-2020")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "分解表"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for cells in rows:
        sheet.append([int(c) if c.isdigit() else (c or None) for c in cells])
    time_col = header.index("时间节点") + 1
    top = 3
    for r in range(4, len(rows) + 4):  # merge the empty time cells into the one above (rows 6, 7)
        if r == len(rows) + 3 or sheet.cell(r, time_col).value:
            if r - 1 > top:
                sheet.merge_cells(start_row=top, start_column=time_col, end_row=r - 1, end_column=time_col)
            top = r
    path = tmp_path / "分解表.xlsx"
    book.save(str(path))
    source = read_task_table(path)
    seed = next(s for s in SEED_TABLES if s.pack == "shanghai-district-2020")
    _same_rows(source.table, parse_task_table((SEEDS / seed.file).read_text(encoding="utf-8"), seed.file))
    assert source.where(source.table.rows[0].line) == "工作表“分解表”第3行"
    assert [r.rule.id for r in draft_pack(source, "x-2020", 2020).rules] == [r.rule.id for r in draft_pack(read_task_table(SEEDS / seed.file), "x-2020", 2020).rules]


def test_xlsx_section_title_row(tmp_path: Path) -> None:
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["测试局2023年任务分解表"], ["工作要求", "具体措施", "责任单位"], ["一、基础工作"], [None, "每月2次报送新增公文备案。", "办公室"]):
        sheet.append(row)
    path = tmp_path / "表.xlsx"
    book.save(str(path))
    table = read_task_table(path).table
    assert [(r.section, r.measure, r.units) for r in table.rows] == [(("一、基础工作",), "每月2次报送新增公文备案。", "办公室")]


def test_yaml_emitter_quotes_what_yaml_would_misread(tmp_path: Path) -> None:
    from checker.draft import yaml_entry, yaml_flow, yaml_scalar

    for text in ["10-31", "2020-04-26", "yes", "null", "a: b", "# 注释", "“引号”", "[括号]", "12345热线", "- 列表", "多元化：50%"]:
        assert yaml.safe_load(f"k: {yaml_scalar(text)}") == {"k": text}, text
        assert yaml.safe_load(f"k: {yaml_flow({'v': [text]})}") == {"k": {"v": [text]}}, text
    long = {"type": "related", "other": "interpretation", "other_key": "document_id", "start": "published_at", "other_date": "published_at", "within": {"working_days": 3}}
    lines = yaml_entry("check", long, 4, "TODO 请确认")
    assert lines[0] == "    check:  # TODO 请确认" and len(lines) > 1
    assert yaml.safe_load("\n".join(lines)) == {"check": long}


def test_bad_pack_id_and_year_are_usage_errors(tmp_path: Path) -> None:
    path = tmp_path / "表.txt"
    path.write_text(TABLE, encoding="utf-8")
    source = read_task_table(path)
    with pytest.raises(UsageError, match="只能用小写字母"):
        draft_pack(source, "测试", 2023)
    with pytest.raises(UsageError, match="不是有效的年度"):
        draft_pack(source, "test", 99)
