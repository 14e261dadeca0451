"""docs/rules.md, generated from the built-in packs and the check modules.

`render()` returns the whole page: for each pack, every source row (clause) with the rules that
check it or the reason it cannot be checked, then the rules themselves; the catalogue of check
types with their parameters (from the pydantic models) and their module docstrings; the fixture
and profile formats. `python -m checker.rulesdoc > docs/rules.md` writes it; a test fails when
the file is stale.
"""

from __future__ import annotations

import inspect
import re
import sys
import textwrap
import types
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from checker import fixtures, rulepack
from checker.checks import MODULES, Check
from checker.checks.base import Where
from checker.evidence.schema import KINDS
from checker.rulepack import SEVERITY_ZH, Profile, RulePack, resolve_packs

HEADER = "<!-- 本文件由 `python -m checker.rulesdoc > docs/rules.md` 生成，请勿手工修改。 -->"
_PREFIX_NUMBER = re.compile(r"[第条、（）\s]*(\d+|[一二三四五六七八九十]+)")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def render() -> str:
    packs = resolve_packs([])
    parts = [_intro(packs), *(_pack_section(pack) for pack in packs), _catalogue(), _fixture_section(), _profile_section()]
    return "\n\n".join(part.rstrip() for part in parts) + "\n"


# --------------------------------------------------------------------------- packs
def _intro(packs: list[RulePack]) -> str:
    lines = [
        HEADER,
        "",
        "# 规则包与检查类型",
        "",
        (
            "每个规则包对应一份来源文件：任务分解表（`../shared/seeds/`）或法规。来源中的每一行（条款）要么由规则检查，"
            "要么列为“无法量化检查”并写明原因，下表逐行对照。规则的 `source.quote` 照录来源原文。"
        ),
        "",
        "| 规则包 | 标题 | 来源 | 规则 | 无法量化检查 | 来源条款 |",
        "|---|---|---|---|---|---|",
    ]
    for pack in packs:
        lines.append(
            f"| [`{pack.id}`](#{pack.id}) | {_cell(pack.pack.title)} | {_cell(pack.pack.source_file)} | {len(pack.rules)} "
            f"| {len(pack.not_checkable)} | {len(_clauses(pack))} |"
        )
    lines += ["", "检查类型见[检查类型](#检查类型)，样例格式见[样例格式](#样例格式)，配置文件见[配置文件](#配置文件profile)。"]
    return "\n".join(lines)


def _pack_section(pack: RulePack) -> str:
    meta = pack.pack
    lines = [f'<a id="{pack.id}"></a>', f"## `{pack.id}` {meta.title}", ""]
    lines.append(f"发布机关：{meta.issuer}；年度：{meta.year}；来源：{meta.source_file}。")
    if meta.description:
        lines += ["", meta.description]
    lines += ["", "### 来源条款对照", "", "| 条款 | 原文 | 规则 / 无法量化检查的原因 |", "|---|---|---|"]
    for clause, quotes, outcomes in _clauses(pack):
        lines.append(f"| {_cell(clause)} | {'<br>'.join(f'“{_cell(q)}”' for q in quotes)} | {'<br>'.join(outcomes)} |")
    lines += ["", "### 规则", "", "| 规则 | 级别 | 台账 | 要求 | 条款 |", "|---|---|---|---|---|"]
    for rule in pack.rules:
        requirement = rule.requirement_text()
        if rule.effective_from or rule.effective_to:
            requirement += f"（适用于 {rule.effective_from or '…'} 至 {rule.effective_to or '…'}）"
        title = f"`{rule.id}`<br>{_cell(rule.title)}"
        if rule.note:
            title += f"<br><small>{_cell(rule.note)}</small>"
        kind = f"{KINDS[rule.kind].label}（`{rule.kind}`）"
        lines.append(f"| {title} | {SEVERITY_ZH[rule.severity]} | {kind} | {_cell(requirement)} | {_cell(rule.source.clause)} |")
    return "\n".join(lines)


def _clauses(pack: RulePack) -> list[tuple[str, list[str], list[str]]]:
    """Every clause once, in the source's numbering order: its quotes and what became of it."""
    table: dict[str, tuple[list[str], list[str]]] = {}
    for rule in pack.rules:
        quotes, outcomes = table.setdefault(rule.source.clause, ([], []))
        quotes.append(rule.source.quote)
        outcomes.append(f"`{rule.id}`")
    for item in pack.not_checkable:
        quotes, outcomes = table.setdefault(item.clause, ([], []))
        quotes.append(item.quote)
        outcomes.append(f"无法量化检查：{_cell(item.reason)}")
    order = sorted(enumerate(table), key=lambda pair: (_numbering(pair[1]), pair[0]))
    return [(clause, *table[clause]) for _, clause in order]


def _numbering(clause: str) -> tuple[int, ...]:
    """The numbers a clause starts with: 三（十一）… → (3, 11); 四（一）16 … → (4, 1, 16); 第三十三条 → (33,)."""
    numbers: list[int] = []
    pos = 0
    while match := _PREFIX_NUMBER.match(clause, pos):
        text = match.group(1)
        numbers.append(int(text) if text.isdigit() else _chinese_number(text))
        pos = match.end()
    return tuple(numbers)


def _chinese_number(text: str) -> int:
    if "十" not in text:
        return _CN_DIGITS.get(text, 0)
    tens, _, units = text.partition("十")
    return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(units, 0)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


# --------------------------------------------------------------------------- check types
def _check_models() -> dict[str, type[BaseModel]]:
    union = get_args(Check)[0]
    models: dict[str, type[BaseModel]] = {}
    for model in get_args(union):
        (name,) = get_args(model.model_fields["type"].annotation)
        models[name] = model
    return models


def _catalogue() -> str:
    models = _check_models()
    lines = ["## 检查类型", "", "每条规则有一个 `check`，`type` 决定检查类型。参数表由参数模型生成，说明取自各模块的文档。", ""]
    lines += [
        (
            "字段类型：筛选条件（`where`、`numerator`、`other_where`）的值须与字段类型一致：文本和选项写文本（像数字的文本加引号，如 "
            "`\"1\"`），是/否字段写 `true` / `false`，年度、整数、数值字段写不带引号的数字；日期字段不能按值筛选，只能写 "
            "`{empty: true}` / `{empty: false}`（按日期限定规则用 `effective_from` / `effective_to`）；取值列表不能为空。检查参数中的"
            "日期字段（`start`、`end`、`date` 等）须是日期或日期时间字段，延期标记须是是/否字段，`related` 两边的对应字段须同一类型。"
            "不符的规则文件在加载时报错（退出码 2），不会静默地选不中记录。"
        ),
        "",
    ]
    lines += [f"- [`{name}`](#check-{name})：{_summary(module.__doc__)}" for name, module in MODULES.items()]
    for name, module in MODULES.items():
        lines += ["", f'<a id="check-{name}"></a>', f"### `{name}`", ""]
        lines += [_summary(module.__doc__), "", _params_table(models[name], skip={"type"}), ""]
        for nested in _nested_models(models[name]):
            lines += [f"`{nested.__name__}` 的字段：", "", _params_table(nested), ""]
        lines.append(_docstring_body(module.__doc__))
    return "\n".join(lines)


def _summary(doc: str | None) -> str:
    first = (doc or "").strip().splitlines()[0]
    return _inline(first)


def _params_table(model: type[BaseModel], skip: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    lines = ["| 参数 | 类型 | 默认 | 说明 |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        key = info.alias or name
        lines.append(f"| `{key}` | {_cell(_type_text(info.annotation))} | {_cell(_default_text(info))} | {_cell(info.description or '')} |")
    return "\n".join(lines)


def _nested_models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    for info in model.model_fields.values():
        for candidate in _walk_types(info.annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel) and candidate not in seen and candidate.__module__ != "checker.checks.base":
                seen.add(candidate)
                yield candidate


def _walk_types(annotation: Any) -> Iterator[Any]:
    if annotation is Check or annotation == Where:
        return
    yield annotation
    for arg in get_args(annotation):
        yield from _walk_types(arg)


def _type_text(annotation: Any) -> str:
    if annotation is Check:
        return "检查（任一检查类型）"
    if annotation == Where:
        return "筛选条件（同 where）"
    if annotation is type(None):
        return "null"
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _type_text(args[0])
    if origin is Literal:
        return " | ".join(str(a) for a in args)
    if origin in (Union, types.UnionType):
        if set(args) == set(_check_models().values()):
            return "检查（任一检查类型）"
        return " | ".join(_type_text(a) for a in args)
    if origin is not None:
        return f"{origin.__name__}[{', '.join(_type_text(a) for a in args)}]"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation)


def _default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "必填"
    value = info.get_default()
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, BaseModel):
        return "{}"
    return f"`{value}`" if isinstance(value, str) else str(value)


def _docstring_body(doc: str | None) -> str:
    """A module docstring after its first line, as Markdown: headings bold, `::` blocks fenced."""
    lines = textwrap.dedent("\n".join((doc or "").strip().splitlines()[1:])).splitlines()
    out: list[str] = []
    fenced = False
    for line in lines:
        if line and not line.startswith(" "):
            if fenced:
                out += ["```", ""]
                fenced = False
            heading = line.rstrip(":").rstrip()
            out += [f"**{_inline(heading)}**", ""]
            if line.endswith("::"):
                out.append("```text")
                fenced = True
        elif fenced:
            if line or out[-1] != "```text":
                out.append(line.removeprefix("    "))
        else:
            out.append(_inline(line.strip()))
    if fenced:
        out.append("```")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _inline(text: str) -> str:
    return text.replace("``", "`")


# --------------------------------------------------------------------------- formats
def _fixture_section() -> str:
    doc = fixtures.__doc__ or ""
    return "\n".join(["## 样例格式", "", "`zwgk rules test` 和测试套件运行每条规则的样例（fixtures）。", "", _rst_to_markdown(doc)])


def _profile_section() -> str:
    doc = inspect.cleandoc(rulepack.load_profile.__doc__ or "")
    example = [
        "```yaml",
        "name: 松江分局2023年度自查",
        "packs: [songjiang-psb-2022, national-2019, 本市补充规则.yaml]",
        "overrides:",
        "  songjiang-psb-2022/consultation-12345:",
        "    check: {within: {working_days: 3}}   # 本市12345热线办理期限",
        "  zibo-psb-2022/graphic-for-text-interpretation:",
        "    severity: major",
        "```",
    ]
    return "\n".join(
        ["## 配置文件（profile）", "", "配置文件选择规则包，并按规则编号调整规则（例如本市的12345热线办理期限）。", "", *example, "", _params_table(Profile), "", doc]
    )


def _rst_to_markdown(doc: str) -> str:
    """A docstring's paragraphs, with its `::` example turned into a fenced YAML block."""
    lines = doc.strip().splitlines()
    out: list[str] = []
    fenced = False
    for line in lines:
        if fenced and line and not line.startswith(" "):
            out += ["```", ""]
            fenced = False
        if fenced:
            if line or out[-1] != "```yaml":
                out.append(line[4:])
            continue
        if line.rstrip().endswith("::"):
            out += [line.rstrip()[:-1], "", "```yaml"]
            fenced = True
            continue
        out.append(line)
    if fenced:
        out.append("```")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def main() -> int:
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
