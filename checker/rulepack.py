"""Rule packs: pydantic models, YAML loading with `file:line` errors in Chinese, built-in packs,
and profiles that select packs and adjust their rules.

A pack is one YAML file::

    pack: {id, title, issuer, year, source_file}
    rules: [ {id, title, severity, kind, where, check, source: {file, clause, quote}} ... ]
    not_checkable: [ {clause, quote, reason} ... ]

A profile is one YAML file (see `load_profile`)::

    packs: [songjiang-psb-2022, national-2019, my-pack.yaml]
    overrides:
      songjiang-psb-2022/consultation-12345:
        check: {within: {working_days: 3}}
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from checker.checks import MODULES, Check
from checker.checks.base import StrictModel, Where, where_problems, where_text
from checker.errors import RuleError
from checker.evidence.schema import KINDS
from checker.yamlio import LineMap, load_yaml_with_lines

Severity = Literal["minor", "major", "critical"]
SEVERITY_RANK = {"minor": 1, "major": 2, "critical": 3}
SEVERITY_ZH = {"minor": "一般", "major": "重要", "critical": "严重"}
KindName = Literal["consultation", "foi_request", "policy_document", "interpretation", "decision", "emergency", "activity", "publication", "task", "fact"]


class Source(StrictModel):
    file: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    quote: str = Field(min_length=1)


class Rule(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    severity: Severity
    kind: KindName
    where: Where = {}
    check: Check
    source: Source
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _fields_exist(self) -> Rule:
        spec = KINDS[self.kind]
        problems = where_problems(self.where, spec) + self.check.problems(spec)
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            problems.append("effective_to 早于 effective_from")
        if problems:
            raise ValueError("；".join(problems))
        return self

    @property
    def pack_id(self) -> str:
        return self.id.split("/", 1)[0]

    def in_force(self, year: int) -> bool:
        """Whether the rule's effective dates reach into review year `year`."""
        started = self.effective_from is None or self.effective_from.year <= year
        ended = self.effective_to is not None and self.effective_to.year < year
        return started and not ended

    def requirement_text(self) -> str:
        """The rule's test in words: `渠道为网上咨询求助平台：答复时间不晚于收到时间后1个工作日`."""
        spec = KINDS[self.kind]
        scope = where_text(self.where, spec)
        text = self.check.describe(spec)
        return f"{scope}：{text}" if scope else text


class NotCheckable(StrictModel):
    clause: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class PackMeta(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2200)
    source_file: str = Field(min_length=1)
    description: str | None = None


class RulePack(StrictModel):
    pack: PackMeta
    rules: list[Rule] = []
    not_checkable: list[NotCheckable] = []

    @model_validator(mode="after")
    def _ids(self) -> RulePack:
        problems = []
        seen: set[str] = set()
        for rule in self.rules:
            if rule.pack_id != self.pack.id:
                problems.append(f"规则 {rule.id} 的编号应以 “{self.pack.id}/” 开头")
            if rule.id in seen:
                problems.append(f"规则编号 {rule.id} 重复")
            seen.add(rule.id)
        if problems:
            raise ValueError("；".join(problems))
        return self

    @property
    def id(self) -> str:
        return self.pack.id


# --------------------------------------------------------------------------- loading
_PYDANTIC_ZH = {
    "extra_forbidden": "未知字段 “{field}”",
    "missing": "缺少必填字段 “{field}”",
    "string_type": "应为文本",
    "string_too_short": "不能为空",
    "string_pattern_mismatch": "格式不符合要求（应匹配 {pattern}）",
    "int_type": "应为整数",
    "int_parsing": "应为整数，实际是 “{input}”",
    "int_from_float": "应为整数，实际是 “{input}”",
    "float_type": "应为数字",
    "float_parsing": "应为数字，实际是 “{input}”",
    "finite_number": "应为有限的数字（不能是 .nan 或 .inf）",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false，实际是 “{input}”",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "model_attributes_type": "应为映射（键: 值）",
    "date_type": "应为日期（如 2022-01-31）",
    "date_parsing": "应为日期（如 2022-01-31），实际是 “{input}”",
    "date_from_datetime_parsing": "应为日期（如 2022-01-31），实际是 “{input}”",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "too_short": "至少需要 {min_length} 项",
    "tuple_type": "应为两个字段名组成的列表",
}


def _zh_error(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    loc = err.get("loc") or ()
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", " 或 ").replace(", ", "、")
        return f"取值 “{err.get('input')}” 无效，应为 {expected}"
    if kind == "union_tag_invalid":
        return f"未知的检查类型 “{ctx.get('tag')}”，可选：{'、'.join(MODULES)}"
    if kind == "union_tag_not_found":
        return f"检查缺少 type 字段（可选：{'、'.join(MODULES)}）"
    if kind == "value_error":
        return str(ctx.get("error") or err.get("msg"))
    template = _PYDANTIC_ZH.get(kind)
    if template is None:
        return f"{err.get('msg')}"
    field = loc[-1] if loc else ""
    return template.format(field=field, input=err.get("input"), **{k: v for k, v in ctx.items() if isinstance(v, (str, int, float))})


def _loc_text(loc: tuple[Any, ...], data: Any) -> str:
    """`rules[3]（songjiang-psb-2022/xxx）.check.within` — a readable path to the bad value."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            label = f"[{part}]"
            if isinstance(node, list) and part < len(node):
                node = node[part]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label += f"（{node['id']}）"
            parts.append(label)
        else:
            parts.append(f".{part}" if parts else str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return "".join(parts)


def validation_messages(exc: ValidationError, where: str, lines: LineMap, data: Any, prefix: tuple[Any, ...] = ()) -> list[str]:
    """Chinese `file:line：path：problem` messages; `prefix` places a model validated from a part
    of the document (a profile's override) at that part."""
    out = []
    for err in exc.errors():
        loc = prefix + tuple(err.get("loc") or ())
        # Drop the discriminator tag pydantic inserts into union locations (check.deadline.x).
        clean = tuple(p for i, p in enumerate(loc) if not (i and loc[i - 1] == "check" and p in _CHECK_TYPES))
        line = lines.line_of(clean)
        place = f"{where}:{line}" if line else where
        path = _loc_text(clean, data)
        out.append(f"{place}：{path + '：' if path else ''}{_zh_error(err)}")
    return out


_CHECK_TYPES = frozenset(MODULES)


def load_pack(path: Path) -> RulePack:
    builtin = path.resolve().parent == builtin_rules_dir().resolve()
    where = _display(path)
    data, lines = load_yaml_with_lines(path, error=RuleError, trusted=builtin, where=where)
    if not isinstance(data, dict):
        raise RuleError(f"{where}:1：规则包应为映射，包含 pack、rules 和 not_checkable")
    duplicates = _duplicate_rule_ids(data, where, lines)
    try:
        pack = RulePack.model_validate(data)
    except ValidationError as exc:
        messages = validation_messages(exc, where, lines, data)
        if duplicates:  # said above with their lines; the model's own message has none
            messages = [m for m in messages if not ("规则编号" in m and "重复" in m)]
        raise RuleError(duplicates + messages) from None
    return pack


def _duplicate_rule_ids(data: dict[str, Any], where: str, lines: LineMap) -> list[str]:
    """`rules/x.yaml:40：rules[3]：规则编号 … 重复（第 12 行已有）` — each repeat at its own line."""
    rules = data.get("rules")
    if not isinstance(rules, list):
        return []
    first: dict[str, int] = {}
    problems = []
    for i, rule in enumerate(rules):
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        if not isinstance(rule_id, str):
            continue
        line = lines.line_of(("rules", i, "id")) or 1
        if rule_id in first:
            problems.append(f"{where}:{line}：rules[{i}]：规则编号 {rule_id} 重复（第 {first[rule_id]} 行已有同一编号），每条规则的编号必须唯一")
        else:
            first[rule_id] = line
    return problems


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def builtin_rules_dir() -> Path:
    """`rules/` beside the package in a checkout, or the copy inside an installed wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleError("找不到内置规则包目录 rules/（安装不完整？）")


class PackIndex:
    """The built-in packs, loaded lazily by id."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or builtin_rules_dir()

    @cached_property
    def paths(self) -> dict[str, Path]:
        out: dict[str, Path] = {}
        for path in sorted(self.folder.glob("*.yaml")):
            out[path.stem] = path
        return out

    def ids(self) -> list[str]:
        return sorted(self.paths)


def pack_paths(selectors: list[str] | tuple[str, ...]) -> list[Path]:
    """Pack files by id (built-in) or by file path; all built-in packs when none are named."""
    index = PackIndex()
    paths: list[Path] = []
    problems: list[str] = []
    for selector in selectors or index.ids():
        candidate = Path(selector)
        if selector in index.paths:
            paths.append(index.paths[selector])
        elif candidate.suffix.lower() in (".yaml", ".yml") or candidate.exists():
            if not candidate.is_file():
                problems.append(f"找不到规则文件 {selector}")
            else:
                paths.append(candidate)
        else:
            problems.append(f"未知的规则包 “{selector}”（内置规则包：{'、'.join(index.ids())}；也可以给出 YAML 文件路径）")
    if problems:
        raise RuleError(problems)
    return paths


def load_packs(paths: list[Path]) -> list[tuple[Path, RulePack]]:
    """Load every pack, collecting every problem; refuse duplicate pack ids."""
    problems: list[str] = []
    loaded: list[tuple[Path, RulePack]] = []
    for path in paths:
        try:
            loaded.append((path, load_pack(path)))
        except RuleError as exc:
            problems.extend(exc.problems)
    seen: dict[str, Path] = {}
    for path, pack in loaded:
        if pack.id in seen:
            problems.append(f"{_display(path)}：规则包编号 {pack.id} 与 {_display(seen[pack.id])} 重复")
        seen[pack.id] = path
    if problems:
        raise RuleError(problems)
    return sorted(loaded, key=lambda item: item[1].id)


def resolve_packs(selectors: list[str] | tuple[str, ...]) -> list[RulePack]:
    return [pack for _, pack in load_packs(pack_paths(selectors))]


# --------------------------------------------------------------------------- profiles
OVERRIDABLE = ("title", "severity", "where", "check", "effective_from", "effective_to", "note")


class Profile(StrictModel):
    """A profile file: which packs apply, and per-rule adjustments (a city's own limits)."""

    name: str | None = Field(default=None, description="配置名称，如 松江分局2023年度检查")
    description: str | None = Field(default=None, description="说明")
    packs: list[str] = Field(min_length=1, description="规则包：内置规则包编号，或相对于配置文件的 YAML 文件路径")
    overrides: dict[str, dict[str, Any]] = Field(default={}, description="按规则编号覆盖规则字段")


def load_profile(path: Path) -> list[RulePack]:
    """The packs a profile selects, with its overrides applied and every rule validated again.

    An override replaces a rule's fields (`title`, `severity`, `where`, `check`,
    `effective_from`, `effective_to`, `note`); under `check`, the fields given replace the
    rule's own and the others stay (`{check: {within: {working_days: 3}}}` keeps start, end and
    type). An override naming another check `type` replaces the whole check. Unknown packs,
    unknown rule ids and overrides that make a rule invalid are `RuleError`s at `file:line`.
    """
    where = _display(path)
    data, lines = load_yaml_with_lines(path, error=RuleError, where=where)
    if not isinstance(data, dict):
        raise RuleError(f"{where}:1：配置文件应为映射，包含 packs 和 overrides")
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise RuleError(validation_messages(exc, where, lines, data)) from None
    paths = _profile_pack_paths(profile, path, where, lines)
    packs = [pack for _, pack in load_packs(paths)]
    return _apply_overrides(packs, profile, where, lines, data)


def _profile_pack_paths(profile: Profile, path: Path, where: str, lines: LineMap) -> list[Path]:
    index = PackIndex()
    paths: list[Path] = []
    problems: list[str] = []
    for i, selector in enumerate(profile.packs):
        place = f"{where}:{lines.line_of(('packs', i))}：packs[{i}]"
        if selector in index.paths:
            paths.append(index.paths[selector])
        elif selector.lower().endswith((".yaml", ".yml")):
            candidate = path.parent / selector
            if candidate.is_file():
                paths.append(candidate)
            else:
                problems.append(f"{place}：找不到规则文件 {_display(candidate)}")
        else:
            problems.append(f"{place}：未知的规则包 “{selector}”（内置规则包：{'、'.join(index.ids())}；也可以给出相对于配置文件的 YAML 文件路径）")
    if problems:
        raise RuleError(problems)
    return paths


def _apply_overrides(packs: list[RulePack], profile: Profile, where: str, lines: LineMap, data: Any) -> list[RulePack]:
    rules = {rule.id: rule for pack in packs for rule in pack.rules}
    replaced: dict[str, Rule] = {}
    problems: list[str] = []
    for rule_id, override in profile.overrides.items():
        place = f"{where}:{lines.line_of(('overrides', rule_id))}：overrides.{rule_id}"
        if rule_id not in rules:
            hint = "" if rule_id.split("/", 1)[0] in {p.id for p in packs} else "（其规则包未列在 packs 中）"
            problems.append(f"{place}：规则 “{rule_id}” 不在所选规则包中{hint}")
            continue
        unknown = [key for key in override if key not in OVERRIDABLE]
        if unknown:
            problems.append(f"{place}：不能覆盖字段 “{'、'.join(unknown)}”（可覆盖：{'、'.join(OVERRIDABLE)}）")
            continue
        try:
            replaced[rule_id] = Rule.model_validate(_merged(rules[rule_id], override))
        except ValidationError as exc:
            problems.extend(validation_messages(exc, where, lines, data, prefix=("overrides", rule_id)))
    if problems:
        raise RuleError(problems)
    return [pack.model_copy(update={"rules": [replaced.get(r.id, r) for r in pack.rules]}) for pack in packs]


def _merged(rule: Rule, override: dict[str, Any]) -> dict[str, Any]:
    data = rule.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key, value in override.items():
        same_type = isinstance(value, dict) and value.get("type", data["check"]["type"]) == data["check"]["type"]
        data[key] = {**data["check"], **value} if key == "check" and same_type else value
    return data
