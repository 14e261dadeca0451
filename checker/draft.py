"""`zwgk draft`: propose a rule pack from a new year's task-decomposition table.

`draft_pack(source, pack_id, year)` reads every row of a parsed table (`checker.taskfiles`:
text, DOCX or XLSX) with the phrasing patterns of `checker.draft_patterns` and returns a
`Draft`: one rule per recognised quantified requirement (kind, check type and parameters
filled, clause and the exact sentence cited, `# TODO` where a person must confirm the evidence
kind or fill in what the words leave open), a `tasks-on-time` rule over the table's task
ledger, every other row as a not_checkable candidate with the reason, and the ledger rows.

`write_draft(draft, out)` writes four files (refusing to overwrite without `force`):

* `<pack-id>.yaml` — the pack. It is written as text (the comments carry the TODOs) and
  validated against the rule-pack models before anything is written;
* `fixtures/<pack-id>.yaml` — one `todo: true` stub per fixture a rule needs (pass, fail and,
  for deadlines, pending), with a record skeleton: `zwgk rules test` reports them as missing
  until a person writes them;
* `tasks_<pack-id>.csv` — the task ledger (as `python -m checker.tasktable` writes for the
  seeds), for the bureaus to fill in completion dates and evidence;
* `<pack-id>.draft.md` — the review list in Chinese: recognised rows with their rule ids,
  rows a person must look at, not_checkable candidates, time nodes that do not parse.

Nothing here guesses a number: a sentence whose limit or count the patterns cannot tie to a
subject is listed as uncertain and stays a not_checkable candidate.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from checker.draft_patterns import ACTIVITY_LABELS, Leftover, Proposal, RowContext, ascii_digits, recognise_row
from checker.errors import OutputError, UsageError, os_error_text
from checker.fixtures import has_deadline
from checker.rulepack import Rule, RulePack
from checker.taskfiles import SourceTable
from checker.tasktable import NO_TIME_NODE, TaskRow, ledger_name, render_ledger
from checker.timenodes import TimeNode, TimeNodeError, parse_time_node

KIND_TODO = "TODO 请确认台账类型"
PACK_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[、.．]?)")


@dataclass
class DraftRule:
    rule: Rule
    proposal: Proposal | None  # None: the tasks-on-time rule
    row: int | None  # index into the table's rows


@dataclass
class Candidate:
    """A not_checkable entry: a row (or a sentence of one) no rule checks."""

    clause: str
    quote: str
    reason: str
    row: int
    uncertain: bool  # a quantity or time limit was named but not understood: a person must look


@dataclass
class Draft:
    source: SourceTable
    pack_id: str
    year: int
    issuer: str
    issuer_guessed: bool
    rules: list[DraftRule]
    candidates: list[Candidate]
    tasks: list[dict[str, str]]
    task_problems: list[tuple[int, str]]  # (row index, message): time nodes that do not parse
    notices: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.source.table.title

    @property
    def source_file(self) -> str:
        return self.source.path.name

    def where(self, row: int) -> str:
        return self.source.where(self.source.table.rows[row].line)


# --------------------------------------------------------------------------- drafting
def load_statutes() -> dict[str, Rule]:
    """The national baseline's statutory rules that 法定时限 / 法定期限 can refer to."""
    from checker.rulepack import builtin_rules_dir, load_pack

    path = builtin_rules_dir() / "national-2019.yaml"
    if not path.is_file():
        return {}
    statutes: dict[str, Rule] = {}
    for rule in load_pack(path).rules:
        if rule.effective_to is not None:
            continue
        if rule.kind == "publication" and rule.check.type == "date_by" and rule.where.get("type") == "foi_annual_report":
            statutes.setdefault("annual_report", rule)
        elif rule.kind == "foi_request" and rule.check.type == "deadline":
            statutes.setdefault("foi_reply", rule)
    return statutes


def draft_pack(source: SourceTable, pack_id: str, year: int, issuer: str | None = None, statutes: dict[str, Rule] | None = None) -> Draft:
    """Propose a pack for `source`. `UsageError` for a bad pack id or year."""
    if not PACK_ID.match(pack_id):
        raise UsageError(f"--pack-id “{pack_id}” 无效：只能用小写字母、数字和连字符，如 songjiang-psb-2023")
    if not 1990 <= year <= 2200:
        raise UsageError(f"--year {year} 不是有效的年度")
    table = source.table
    statutes = load_statutes() if statutes is None else statutes
    guessed = issuer is None
    issuer = issuer or _issuer_from_title(table.title)
    draft = Draft(source, pack_id, year, issuer, guessed, [], [], [], [])
    if table.plan_year is not None and table.plan_year != year:
        draft.notices.append(f"表格标题中的年度是 {table.plan_year}，与 --year {year} 不一致，请确认计划年度。")
    used: set[str] = set()
    for index, row in enumerate(table.rows):
        node = _time_node(row, year)
        cells = [("requirement", row.requirement or ""), ("measure", row.measure), ("time", row.due or "")]
        context = RowContext(
            text=ascii_digits("".join(text for _, text in cells)),
            time_text=row.due,
            time_node=node,
            plan_year=year,
            statutes=statutes,
        )
        result = recognise_row(cells, context)
        clause = _clause(row)
        for proposal in result.proposals:
            rule, problem = _rule(proposal, pack_id, clause, draft.source_file, used)
            if rule is None:
                draft.candidates.append(Candidate(clause, proposal.quote, f"识别到“{proposal.pattern}”，但生成的规则未通过校验（{problem}），请人工编写", index, True))
                continue
            draft.rules.append(DraftRule(rule, proposal, index))
        leftovers = _leftover_candidates(result.leftovers, clause, index)
        if not result.proposals:
            draft.candidates.append(_row_candidate(row, clause, index, result.vague, result.leftovers, node))
        else:
            draft.candidates += leftovers
    draft.rules.append(_tasks_rule(draft, used))
    draft.tasks, draft.task_problems = _ledger(draft)
    return draft


def _time_node(row: TaskRow, year: int) -> TimeNode | None:
    if not row.due:
        return None
    try:
        return parse_time_node(row.due, year)
    except TimeNodeError:
        return None


def _issuer_from_title(title: str) -> str:
    text = re.sub(r"^\d{4}\s*年度?", "", title)
    head = re.split(r"\d{4}\s*年|政务公开|政府信息公开|信息公开", text)[0].strip()
    return head if len(head) >= 2 else title


def _clause(row: TaskRow) -> str:
    """一（一）做好新增非密公文全量备案工作: the headings' numbers, the row's number, a short name."""
    labels = [m[0].rstrip("、.．") for m in (_LABEL.match(text) for text in row.section) if m]
    numbering = next((v for k, v in row.cells.items() if k == "序号" and v), "")
    own = _LABEL.match(row.measure)
    if numbering:
        labels.append(numbering)
    elif own and own[0][0].isdigit():
        labels.append(own[0].rstrip("、.．"))
    measure = _LABEL.sub("", row.measure)
    first = re.split(r"[。；]", measure)[0]
    if len(first) <= 24 and len(first) < len(measure.rstrip("。；")):
        name = first
    else:
        headings = [_LABEL.sub("", text).rstrip("。") for text in row.section]
        lead = re.split(r"[，,]", first)[0]
        name = headings[-1] if headings else lead if len(lead) <= 24 else lead[:20] + "…"
    number = "".join(labels)
    return f"{number} {name}".strip() if number and number[-1].isdigit() else f"{number}{name}"


def _rule(proposal: Proposal, pack_id: str, clause: str, source_file: str, used: set[str]) -> tuple[Rule | None, str]:
    slug = re.sub(r"[^a-z0-9-]+", "-", proposal.slug.lower()).strip("-") or "rule"
    rule_id = f"{pack_id}/{slug}"
    number = 2
    while rule_id in used:
        rule_id = f"{pack_id}/{slug}-{number}"
        number += 1
    data: dict[str, Any] = {
        "id": rule_id,
        "title": proposal.title,
        "severity": proposal.severity,
        "kind": proposal.kind,
        **({"where": proposal.where} if proposal.where else {}),
        "check": proposal.check,
        "source": {"file": source_file, "clause": clause, "quote": proposal.quote},
    }
    if proposal.notes:
        data["note"] = "".join(proposal.notes)
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        return None, "；".join(str(e.get("msg")) for e in exc.errors())
    used.add(rule_id)
    return rule, ""


def _leftover_candidates(leftovers: list[Leftover], clause: str, index: int) -> list[Candidate]:
    return [Candidate(clause, item.quote, f"{item.reason}，未生成规则，请人工确认。", index, True) for item in leftovers]


def _row_candidate(row: TaskRow, clause: str, index: int, vague: list[str], leftovers: list[Leftover], node: TimeNode | None) -> Candidate:
    quote = row.requirement or row.measure
    if leftovers:
        reasons = "；".join(dict.fromkeys(item.reason for item in leftovers))
        return Candidate(clause, quote, f"{reasons}，未生成规则，请人工确认。", index, True)
    parts = list(dict.fromkeys(vague))
    if node is not None and node.kind == "once" and not node.whole_year:
        parts.append(f"一次性工作任务，只有完成时限（{row.due}），由任务台账（tasks）按时间节点在回头看中核查")
    elif node is not None:
        parts.append(f"时间节点为“{row.due}”，完成情况由任务台账（tasks）在回头看中核查")
    reason = "；".join(parts) if parts else "未识别到可由台账检查的量化要求"
    return Candidate(clause, quote, f"{reason}。", index, False)


def _tasks_rule(draft: Draft, used: set[str]) -> DraftRule:
    table = draft.source.table
    rule_id = f"{draft.pack_id}/tasks-on-time"
    clause = f"全表“{table.time_column}”列" if table.time_column else f"全表（原表未设时间节点，按{NO_TIME_NODE}计）"
    rule = Rule.model_validate(
        {
            "id": rule_id,
            "title": "任务分解表各项任务按时间节点完成并有佐证",
            "severity": "major",
            "kind": "task",
            "where": {"plan": table.title},
            "check": {"type": "task_due", "plan_year": draft.year},
            "note": f"回头看：逐项核对任务台账（{ledger_name(draft.pack_id)}）的完成日期和佐证材料；未完成、逾期完成或缺佐证的任务按牵头单位列出。",
            "source": {"file": draft.source_file, "clause": clause, "quote": table.title},
        }
    )
    used.add(rule_id)
    return DraftRule(rule, None, None)


def _ledger(draft: Draft) -> tuple[list[dict[str, str]], list[tuple[int, str]]]:
    prefix = "".join(part[0] for part in draft.pack_id.split("-") if part and not part.isdigit()).upper()[:4] or "T"
    records = []
    problems = []
    for index, row in enumerate(draft.source.table.rows):
        due = row.due if row.due is not None else NO_TIME_NODE
        try:
            parse_time_node(due, draft.year)
        except TimeNodeError as exc:
            problems.append((index, str(exc)))
        records.append(
            {
                "id": f"{prefix}{draft.year}-{index + 1:03d}",
                "plan": draft.title,
                "item": row.item,
                "lead_unit": row.lead_unit,
                "units": row.units,
                "due": due,
                "completed_at": "",
                "evidence": "",
            }
        )
    return records, problems


# --------------------------------------------------------------------------- YAML text
_WIDTH = 110


def _plain(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or "\n" in text or re.search(r"[:#]", text):
        return False
    if text[0] in "!&*-?|>'\"%@`[]{},." or text[0].isdigit() or (flow and re.search(r"[,\[\]{}]", text)):
        return False  # a leading digit: "10-31", "2020-04-26" stay visibly text
    try:
        return bool(yaml.safe_load(text) == text)
    except yaml.YAMLError:
        return False


def yaml_scalar(value: Any, flow: bool = False) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # threshold min 4.0 reads as the table's 4
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if _plain(text, flow) else json.dumps(text, ensure_ascii=False)


def yaml_flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_scalar(k, True)}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    return yaml_scalar(value, flow=True)


def yaml_entry(key: str, value: Any, indent: int, comment: str = "") -> list[str]:
    """`key: value` at `indent`: flow style when it fits on a line, block style otherwise."""
    pad = " " * indent
    tail = f"  # {comment}" if comment else ""
    flow = yaml_flow(value)
    if not isinstance(value, (dict, list)) or not value or len(pad) + len(key) + 2 + len(flow) <= _WIDTH:
        return [f"{pad}{key}: {flow}{tail}"]
    lines = [f"{pad}{key}:{tail}"]
    if isinstance(value, dict):
        for k, v in value.items():
            lines += yaml_entry(k, v, indent + 2)
        return lines
    for item in value:
        item_flow = yaml_flow(item)
        if not isinstance(item, dict) or len(pad) + 4 + len(item_flow) <= _WIDTH:
            lines.append(f"{pad}  - {item_flow}")
            continue
        sub: list[str] = []
        for k, v in item.items():
            sub += yaml_entry(k, v, indent + 4)
        sub[0] = f"{pad}  - {sub[0].lstrip()}"
        lines += sub
    return lines


def _rule_data(rule: Rule) -> dict[str, Any]:
    return rule.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_unset=True)


def pack_data(draft: Draft) -> dict[str, Any]:
    """The pack as plain data, exactly what the YAML text must load back to."""
    return {
        "pack": {"id": draft.pack_id, "title": draft.title, "issuer": draft.issuer, "year": draft.year, "source_file": draft.source_file},
        "rules": [_rule_data(r.rule) for r in draft.rules],
        "not_checkable": [{"clause": c.clause, "quote": c.quote, "reason": c.reason} for c in draft.candidates],
    }


def render_pack(draft: Draft) -> str:
    data = pack_data(draft)
    lines = [
        f"# {draft.title}（草稿）",
        f"# 由 zwgk draft 从 {draft.source_file} 生成。这是待审核的草稿：逐条核对 kind、where、check 的参数与原文，",
        "# 处理每一处 TODO（确认后删除该注释），补写 fixtures 中的样例；审核清单见同目录的 "
        f"{draft.pack_id}.draft.md。",
        "",
        "pack:",
    ]
    for key, value in data["pack"].items():
        comment = "TODO 请确认发布机关（由标题推断）" if key == "issuer" and draft.issuer_guessed else ""
        lines += yaml_entry(key, value, 2, comment)
    lines += ["", "rules:"]
    for item, rule_data in zip(draft.rules, data["rules"], strict=True):
        lines += _rule_lines(draft, item, rule_data)
    lines += ["", "not_checkable:" if data["not_checkable"] else "not_checkable: []"]
    for candidate, entry in zip(draft.candidates, data["not_checkable"], strict=True):
        lines.append(f"  # {draft.where(candidate.row)}" + ("（需人工确认）" if candidate.uncertain else ""))
        first = True
        for key, value in entry.items():
            entry_lines = yaml_entry(key, value, 4)
            if first:
                entry_lines[0] = "  - " + entry_lines[0].lstrip()
                first = False
            lines += entry_lines
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != data:  # the emitter must write what the models validated
        raise AssertionError("草稿规则包的 YAML 文本与数据不一致（zwgk draft 的缺陷）")
    return text


def _rule_lines(draft: Draft, item: DraftRule, data: dict[str, Any]) -> list[str]:
    lines = [""]
    p = item.proposal
    if p is not None and item.row is not None:
        lines.append(f"  # {draft.where(item.row)}：识别“{p.pattern}”")
        lines += [f"  # TODO {todo}" for todo in p.todos]
    else:
        lines.append("  # 回头看：任务台账逐项核对时间节点")
    first = True
    for key, value in data.items():
        comment = KIND_TODO if key == "kind" and p is not None and not p.kind_sure else ""
        entry = yaml_entry(key, value, 4, comment)
        if first:
            entry[0] = "  - " + entry[0].lstrip()
            first = False
        lines += entry
    return lines


# --------------------------------------------------------------------------- fixtures
def fixture_stubs(draft: Draft) -> dict[str, list[dict[str, Any]]]:
    """Per rule: a `todo: true` stub for every fixture it needs, with a record skeleton."""
    out: dict[str, list[dict[str, Any]]] = {}
    for item in draft.rules:
        rule = item.rule
        needed = ["pass", "fail"] + (["pending"] if has_deadline(rule) else [])
        labels = {"pass": "通过", "fail": "未通过", "pending": "待到期"}
        stubs = []
        for expect in needed:
            stub: dict[str, Any] = {
                "name": f"TODO {labels[expect]}样例",
                "todo": True,
                "expect": expect,
                "as_of": dt.date(draft.year, 6, 30) if expect == "pending" else dt.date(draft.year + 1, 1, 15),
                "year": draft.year,
                "records": [_skeleton(rule)],
            }
            other = _other_skeleton(rule)
            if other:
                stub["evidence"] = other
            stubs.append(stub)
        out[rule.id] = stubs
    return out


def _fields_of(check: Any) -> list[str]:
    names = []
    for name in ("start", "end", "date", "covers", "restart"):
        value = getattr(check, name, None)
        if isinstance(value, str):
            names.append(value)
    if check.type == "required":
        names += list(check.fields)
    if check.type == "ratio":
        names += list(check.numerator)
    if check.type == "threshold":
        names += ["key", "year", "value"]
    if check.type == "any_of":
        for sub in check.checks:
            names += [n for n in _fields_of(sub.check) if n not in names] + list(sub.where)
    if check.type == "task_due":
        names += ["plan", "item", "due", "completed_at", "evidence"]
    return list(dict.fromkeys(names))


def _skeleton(rule: Rule) -> dict[str, Any]:
    record: dict[str, Any] = {"id": "TODO-1", "department": "TODO"}
    for name, value in rule.where.items():
        record[name] = value[0] if isinstance(value, list) else value if isinstance(value, (str, int, float, bool)) else ""
    check = rule.check
    for name in _fields_of(check):
        record.setdefault(name, "")
    if check.type == "threshold":
        record.update({"key": check.key, "year": ""})
    return record


def _other_skeleton(rule: Rule) -> dict[str, Any]:
    check = rule.check
    if check.type != "related":
        return {}
    other: dict[str, Any] = {"id": "TODO-2", "department": "TODO", check.other_key: "TODO-1"}
    for name, value in check.other_where.items():
        other[name] = value[0] if isinstance(value, list) else value if isinstance(value, (str, int, float, bool)) else ""
    if check.other_date:
        other[check.other_date] = ""
    return {check.other: [other]}


def render_fixtures(draft: Draft) -> str:
    stubs = fixture_stubs(draft)
    lines = [
        f"# {draft.pack_id} 的规则样例（草稿）：每条规则都需要通过、未通过样例，有期限的规则还需要待到期样例。",
        "# 下面每个样例都标着 todo: true，zwgk rules test 把它们计为“缺少”，不会当作通过。",
        "# 补写时：填好 records（及 evidence）的日期和取值，写上 violations（可选），然后删除 todo: true。",
    ]
    for rule_id, cases in stubs.items():
        lines += ["", f"{yaml_scalar(rule_id)}:"]
        for case in cases:
            first = True
            for key, value in case.items():
                entry = yaml_entry(key, value, 4)
                if key == "records":
                    entry = ["    records:"] + [f"      - {yaml_flow(record)}" for record in value]
                if first:
                    entry[0] = "  - " + entry[0].lstrip()
                    first = False
                lines += entry
    text = "\n".join(lines) + "\n"
    if (yaml.safe_load(text) or {}) != stubs:
        raise AssertionError("草稿样例的 YAML 文本与数据不一致（zwgk draft 的缺陷）")
    return text


# --------------------------------------------------------------------------- report
def _describe(rule: Rule) -> str:
    try:
        return rule.requirement_text()
    except Exception:  # a description is a courtesy; never fail the draft on it
        return rule.check.type


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def render_report(draft: Draft, files: dict[str, str]) -> str:
    table = draft.source.table
    recognised = [r for r in draft.rules if r.proposal is not None]
    to_confirm = [r for r in recognised if r.proposal is not None and (not r.proposal.kind_sure or r.proposal.todos)]
    uncertain = [c for c in draft.candidates if c.uncertain]
    plain = [c for c in draft.candidates if not c.uncertain]
    rows_with_rules = {r.row for r in recognised}
    lines = [
        f"# 规则包草稿审核清单：{draft.title}",
        "",
        f"- 来源：`{draft.source_file}`，{len(table.rows)} 行任务" + (f"，时间节点列“{table.time_column}”" if table.time_column else "，没有时间节点列（任务台账记为“全年”）"),
        f"- 规则包：`{draft.pack_id}`（{draft.year} 年度），发布机关：{draft.issuer}" + ("（由标题推断，请确认）" if draft.issuer_guessed else ""),
        f"- 识别结果：{len(rows_with_rules)} 行识别出量化要求，生成规则 {len(recognised)} 条（另有任务台账规则 tasks-on-time）；"
        f"其中 {len(to_confirm)} 条有 TODO 待确认；{len(uncertain)} 处需要人工确认；{len(plain)} 行列为无法量化检查的候选；任务台账 {len(draft.tasks)} 项。",
        "- 写出的文件：" + "、".join(f"`{name}`" for name in files.values()),
        "",
    ]
    for notice in draft.notices:
        lines += [f"> 注意：{notice}", ""]
    lines += [
        "## 审核步骤",
        "",
        "1. 先看“二、需要人工确认”：这些句子提到了数量、期限或时限，但草稿没有据此生成规则（或生成的规则有 TODO）。",
        "   需要时照原文手写规则；确属无法检查的，在 not_checkable 中写明理由。",
        "2. 再逐条核对“一、已识别的量化要求”：台账类型、筛选条件（where）和参数是否符合原文；确认后删除规则上方和 kind 行的 TODO 注释。",
        "3. 浏览“三、无法量化检查（候选）”：确认这些行确实没有可由台账证明的量化要求，并把理由改写具体。",
        f"4. 补写样例：`fixtures/{draft.pack_id}.yaml` 中每个样例都标着 `todo: true`，补全后删除该标记。",
        f"5. 检查：`zwgk rules list --rules {files['pack']}` 能列出规则；`zwgk rules test {files['pack']}` 全部通过（有 TODO 样例时退出码为 1）。",
        "",
        "## 一、已识别的量化要求",
        "",
        "| 位置 | 条目 | 规则编号 | 识别依据 | 检查内容 | 原文 | 待确认 |",
        "|---|---|---|---|---|---|---|",
    ]
    for item in recognised:
        assert item.proposal is not None and item.row is not None
        p, rule = item.proposal, item.rule
        todo = ([KIND_TODO.removeprefix("TODO ")] if not p.kind_sure else []) + p.todos
        lines.append(
            f"| {draft.where(item.row)} | {_md(rule.source.clause)} | `{rule.id}` | {_md(p.pattern)} | {_md(_describe(rule))} "
            f"| {_md(_short(rule.source.quote))} | {_md('；'.join(todo)) or '—'} |"
        )
    if not recognised:
        lines.append("| — | — | — | — | — | — | 没有识别出量化要求 |")
    lines += ["", "## 二、需要人工确认", ""]
    if not uncertain and not to_confirm and not draft.task_problems:
        lines.append("没有。")
    for item in to_confirm:
        assert item.proposal is not None and item.row is not None
        todo = ([KIND_TODO.removeprefix("TODO ")] if not item.proposal.kind_sure else []) + item.proposal.todos
        lines.append(f"- {draft.where(item.row)}（{item.rule.source.clause}）规则 `{item.rule.id}`：{'；'.join(todo)}。")
    for candidate in uncertain:
        lines.append(f"- {draft.where(candidate.row)}（{candidate.clause}）“{_short(candidate.quote, 80)}”：{candidate.reason}")
    for index, message in draft.task_problems:
        lines.append(f"- {draft.where(index)} 时间节点：{message}（任务台账中照录，回头看检查前请改为可识别的写法）")
    lines += ["", "## 三、无法量化检查（候选）", "", "| 位置 | 条目 | 原文 | 理由（草稿） |", "|---|---|---|---|"]
    for candidate in plain:
        lines.append(f"| {draft.where(candidate.row)} | {_md(candidate.clause)} | {_md(_short(candidate.quote))} | {_md(candidate.reason)} |")
    if not plain:
        lines.append("| — | — | — | 没有 |")
    lines += [
        "",
        "## 四、任务台账",
        "",
        f"`{files['tasks']}` 逐行列出 {len(draft.tasks)} 项任务（编号、任务内容、牵头单位、责任单位、照录原表的时间节点），"
        f"各单位填写完成日期和佐证材料后放进台账目录，由规则 `{draft.pack_id}/tasks-on-time` 在回头看中核对。",
        "",
        "活动类型（activity 台账的 type）：" + "、".join(f"{name}（{label}）" for name, label in ACTIVITY_LABELS.items()) + "。",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- files
def output_names(pack_id: str) -> dict[str, str]:
    return {
        "pack": f"{pack_id}.yaml",
        "fixtures": f"fixtures/{pack_id}.yaml",
        "tasks": ledger_name(pack_id),
        "report": f"{pack_id}.draft.md",
    }


def write_draft(draft: Draft, out: Path, force: bool = False) -> list[Path]:
    """Write the four files into `out`; refuse (`UsageError`) to overwrite any without `force`."""
    names = output_names(draft.pack_id)
    paths = {key: out / name for key, name in names.items()}
    existing = [str(path) for path in paths.values() if path.exists()]
    if existing and not force:
        raise UsageError(f"以下文件已存在，未写入任何文件（用 --force 覆盖）：{'、'.join(existing)}")
    contents = {
        "pack": render_pack(draft).encode("utf-8"),
        "fixtures": render_fixtures(draft).encode("utf-8"),
        "tasks": render_ledger(draft.tasks),
        "report": render_report(draft, {k: str(v) for k, v in paths.items()}).encode("utf-8"),
    }
    RulePack.model_validate(yaml.safe_load(contents["pack"]))  # the pack must load as written
    # Everything that would stop a write is found before the first one: all four files or none.
    blocked = [str(path) for path in paths.values() if path.is_dir()]
    blocked += sorted({str(folder) for path in paths.values() for folder in path.parents if folder.exists() and not folder.is_dir()})
    if blocked:
        raise OutputError(f"以下路径是文件夹或挡住了要建的文件夹，未写入任何文件：{'、'.join(blocked)}")
    try:
        for key, path in paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(contents[key])
    except OSError as exc:
        raise OutputError(f"无法写出草案 {os_error_text(exc)}") from None
    return list(paths.values())
