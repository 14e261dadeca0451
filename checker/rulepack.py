"""Rule packs: pydantic models, YAML loading with `file:line` errors in Chinese, built-in packs.

A pack is one YAML file::

    pack: {id, title, issuer, year, source_file}
    rules: [ {id, title, severity, kind, where, check, source: {file, clause, quote}} ... ]
    not_checkable: [ {clause, quote, reason} ... ]
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from checker.checks import Check
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


def _zh_error(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    loc = err.get("loc") or ()
    if kind == "literal_error":
        return f"取值 “{err.get('input')}” 无效，应为 {ctx.get('expected', '')}".replace("'", "")
    if kind == "union_tag_invalid":
        return f"未知的检查类型 “{ctx.get('tag')}”，可选：{ctx.get('expected_tags', '').replace(chr(39), '')}"
    if kind == "union_tag_not_found":
        return "检查缺少 type 字段（可选：deadline、date_by、count、ratio、duration、required）"
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


def validation_messages(exc: ValidationError, where: str, lines: LineMap, data: Any) -> list[str]:
    out = []
    for err in exc.errors():
        loc = tuple(err.get("loc") or ())
        # Drop the discriminator tag pydantic inserts into union locations (check.deadline.x).
        clean = tuple(p for i, p in enumerate(loc) if not (i and loc[i - 1] == "check" and p in _CHECK_TYPES))
        line = lines.line_of(clean)
        place = f"{where}:{line}" if line else where
        path = _loc_text(clean, data)
        out.append(f"{place}：{path + '：' if path else ''}{_zh_error(err)}")
    return out


_CHECK_TYPES = {"deadline", "date_by", "count", "ratio", "duration", "required", "frequency", "related", "any_of", "threshold", "task_due"}


def load_pack(path: Path) -> RulePack:
    data, lines = load_yaml_with_lines(path, error=RuleError)
    where = _display(path)
    if not isinstance(data, dict):
        raise RuleError(f"{where}:1：规则包应为映射，包含 pack、rules 和 not_checkable")
    try:
        return RulePack.model_validate(data)
    except ValidationError as exc:
        raise RuleError(validation_messages(exc, where, lines, data)) from None


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
