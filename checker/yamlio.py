"""Safe YAML loading that remembers where every value came from.

Rule packs, profiles, waivers, calendar overrides and YAML evidence all go through here:

* only the safe loader (no python tags);
* anchors and aliases are allowed, but a document whose aliases add more than `MAX_NODES` nodes
  when expanded is refused (the "billion laughs" bomb), before anything walks the expansion; so
  is nesting deeper than `MAX_DEPTH`, and a file larger than `MAX_BYTES` (refused unread);
* duplicate keys are an error instead of PyYAML's silent last-one-wins;
* `LineMap` maps a path such as ``("rules", 3, "check", "within")`` to its 1-based line so that
  validation errors can say ``rules/x.yaml:42``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from checker.errors import CheckerError, RuleError

MAX_NODES = 2_000_000
MAX_DEPTH = 64
MAX_BYTES = 64 * 1024 * 1024

PathKey = tuple[Any, ...]


class TextDatesLoader(yaml.SafeLoader):
    """The safe loader, but dates stay text.

    Evidence and calendar files parse their dates themselves, so that `2022-13-05` gets the same
    file/row/column message as a CSV cell instead of failing inside PyYAML.
    """


TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class TextScalarsLoader(yaml.SafeLoader):
    """The safe loader for evidence records: every plain scalar stays the text it is written as,
    except the empty forms (`~`, `null`, nothing), which are None.

    YAML 1.1 would otherwise rewrite values without a word: `id: 0012` → 10 (octal), `1:20` → 80
    (base 60), `1_000` → 1000, `department: NO` → False, `due: 2020.10` → 2020.1 (October read as
    January). The loader types each cell from its text, exactly as for a CSV cell.
    """


TextScalarsLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml's parser with the same safe constructor, for files shipped with the program only (the
# built-in rule packs): parsing all of them drops from about 0.11 s to 0.015 s, a fifth of the
# start-up budget of a small CI check. It is never used on files a user hands in: libyaml's
# composer recurses in C, and 100,000 nested brackets crash the process instead of raising.
TRUSTED_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineMap:
    """Line numbers of the values in one YAML document, by path."""

    def __init__(self, lines: dict[PathKey, int]) -> None:
        self._lines = lines

    def line_of(self, loc: PathKey) -> int | None:
        """The line of the deepest existing prefix of `loc`.

        Pydantic locations may contain elements that are not in the document (the tag of a
        discriminated union, for example); those are skipped.
        """
        best: int | None = self._lines.get(())
        path: PathKey = ()
        for part in loc:
            candidate = (*path, part)
            if candidate in self._lines:
                path = candidate
                best = self._lines[candidate]
        return best


def read_text(path: Path, *, error: type[CheckerError], where: str | None = None) -> str:
    """The file's text, refused by size before it is read (`where` names it in messages)."""
    name = where if where is not None else str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise error(f"{name}：无法读取文件（{exc.strerror or exc}）") from None
    if size > MAX_BYTES:
        raise error(f"{name}：文件过大（{-(-size // (1024 * 1024))} MB），YAML 文件上限为 {MAX_BYTES // (1024 * 1024)} MB，未读取")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"{name}：无法读取文件（{exc.strerror or exc}）") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{name}：文件不是 UTF-8 编码（第 {exc.start} 字节处无法解码），请另存为 UTF-8") from None


def load_yaml_file(path: Path, *, error: type[CheckerError] = RuleError) -> Any:
    data, _ = load_yaml_with_lines(path, error=error)
    return data


def load_yaml_with_lines(
    path: Path, *, error: type[CheckerError] = RuleError, trusted: bool = False, where: str | None = None
) -> tuple[Any, LineMap]:
    """`trusted`: a file shipped with the program, parsed by libyaml when available (a document
    libyaml refuses is parsed again by the pure-Python loader, for its better messages).
    `where`: how messages name the file (default: the path as given)."""
    name = where if where is not None else str(path)
    text = read_text(path, error=error, where=name)
    if trusted and TRUSTED_LOADER is not yaml.SafeLoader:
        try:
            return parse_yaml(text, name, error=error, loader_class=TRUSTED_LOADER, trusted=True)
        except CheckerError:
            pass
    return parse_yaml(text, name, error=error)


def parse_yaml(
    text: str,
    where: str,
    *,
    error: type[CheckerError] = RuleError,
    loader_class: type[yaml.SafeLoader] = yaml.SafeLoader,
    trusted: bool = False,
) -> tuple[Any, LineMap]:
    """The document and the line of every key and item. `trusted` (a file shipped with the
    program, see load_yaml_with_lines) skips the alias-expansion check, which only guards against
    hostile input (about 0.015 s over the built-in packs, on every run)."""
    try:
        loader = loader_class(text)  # the reader refuses control characters here
    except yaml.reader.ReaderError as exc:
        at = text.count("\n", 0, exc.position) + 1
        raise error(f"{where}:{at}：含有 YAML 不允许的控制字符（#x{exc.character:04x}），请删除该字符") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, LineMap({})
        lines: dict[PathKey, int] = {}
        if not trusted:
            _check_expansion(node, where, error)  # first: walking a bomb's expansion is the bomb
        _walk(node, (), lines, loader, where, error, depth=0)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise error(f"{where}{line}：YAML 语法错误：{_yaml_problem_zh(exc)}") from None
    except yaml.YAMLError as exc:
        raise error(f"{where}：YAML 无法解析：{exc}") from None
    except RecursionError:
        raise error(f"{where}：YAML 嵌套过深") from None
    finally:
        loader.dispose()
    return data, LineMap(lines)


def _yaml_problem_zh(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    if "could not determine a constructor" in problem:
        tag = re.search(r"tag '([^']*)'", problem)
        shown = f"：{tag[1].replace('tag:yaml.org,2002:', '!!')}" if tag else ""
        return f"不允许的标签（只接受普通 YAML 数据，不接受 Python 对象标签）{shown}"
    if "found character '\\t'" in problem or "tab character" in problem:
        return "缩进中不能使用制表符（Tab），请改用空格"
    context = _zh(exc.context or "", _YAML_CONTEXTS)
    text = _zh(problem, _YAML_PROBLEMS)
    return f"{context}{'，' if context and text else ''}{text}" or "YAML 格式有误"


def _zh(text: str, table: tuple[tuple[str, str], ...]) -> str:
    """PyYAML's English message in Chinese: the first pattern of `table` that matches it."""
    for pattern, words in table:
        match = re.fullmatch(pattern, text.strip(), flags=re.DOTALL)
        if match:
            for i, group in enumerate(match.groups()):  # (not str.format: the words hold braces)
                words = words.replace(f"{{{i}}}", _token_zh(group))
            return words
    return f"（解析器的原始提示：{text}）" if text else ""


def _token_zh(text: str) -> str:
    """What PyYAML quotes in a message: a token name in Chinese, a character as “x”."""
    text = text.strip().strip("'\"")
    return _YAML_TOKENS.get(text, f"“{text}”")


# PyYAML's token names, as they appear in "expected X, but found Y".
_YAML_TOKENS = {
    "<block end>": "本层结束",
    "<block mapping start>": "新的一层映射（缩进多了？）",
    "<block sequence start>": "新的一层列表",
    "<block entry>": "列表项“-”",
    "<scalar>": "一个值",
    "<stream end>": "文件结尾",
    "<document start>": "文档开头",
    "<document end>": "文档结尾",
    "<key>": "一个键",
    "<value>": "“:”",
    "<flow mapping start>": "“{”",
    "<flow sequence start>": "“[”",
    "<flow mapping end>": "“}”",
    "<flow sequence end>": "“]”",
    "<flow entry>": "“,”",
    "<anchor>": "锚点“&”",
    "<alias>": "别名“*”",
    "<tag>": "标签“!”",
    "?": "一个键",
    "\\n": "换行",
    "\\t": "制表符",
    "\\0": "文件结尾",
}
_YAML_CONTEXTS: tuple[tuple[str, str], ...] = (
    (r"while scanning a simple key", "读取键时"),
    (r"while scanning a quoted scalar", "读取带引号的文本时"),
    (r"while scanning a plain scalar", "读取文本时"),
    (r"while scanning a block scalar", "读取多行文本（| 或 >）时"),
    (r"while scanning for the next token", ""),
    (r"while scanning an? (alias|anchor)", "读取别名或锚点时"),
    (r"while (?:scanning|parsing) a tag", "读取标签（!）时"),
    (r"while scanning a directive", "读取指令（%）时"),
    (r"while scanning a double-quoted scalar", "读取带双引号的文本时"),
    (r"while parsing a block mapping", "解析“键: 值”映射时"),
    (r"while parsing a block collection", "解析“- ”列表时"),
    (r"while parsing a flow sequence", "解析方括号列表 [...] 时"),
    (r"while parsing a flow mapping", "解析花括号映射 {...} 时"),
    (r"while parsing a (?:block|flow) node", "解析值时"),
    (r"while parsing a node", "解析值时"),
    (r"expected a single document in the stream", "文件只能包含一个 YAML 文档"),
    (r"while constructing a mapping", "构造映射时"),
    (r"found duplicate anchor (.*); first occurrence", "锚点{0}重复"),
)
_YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    (r"could not find expected ':'", "缺少“:”（键后应为英文冒号加空格）"),
    (r"found unexpected end of stream", "文件意外结束（可能缺少结束引号或括号）"),
    (r"mapping values are not allowed here", "此处不能出现“键: 值”（请检查缩进；含“: ”的值请加引号）"),
    (r"found unknown escape character (.*)", "双引号内有未知的转义字符{0}（反斜杠请写成 \\\\，或改用单引号）"),
    (r"found character (.*) that cannot start any token", "字符{0}不能出现在此处（以它开头的值请加引号）"),
    (r"found unexpected ':'", "出现了意外的“:”（含冒号的值请加引号）"),
    (r"expected ',' or '\]', but got (.*)", "方括号列表中缺少“,”或“]”，实际遇到{0}"),
    (r"expected ',' or '}', but got (.*)", "花括号映射中缺少“,”或“}”，实际遇到{0}"),
    (r"expected the node content, but found (.*)", "缺少值，实际遇到{0}"),
    (r"but found another document", "但出现了第二个文档（“---”之后的内容）"),
    (r"found undefined alias (.*)", "引用了未定义的别名{0}"),
    (r"found unhashable key", "映射的键不能是列表或映射"),
    (r"expected alphabetic or numeric character, but found (.*)", "别名或锚点的名字只能由字母和数字组成，实际遇到{0}"),
    (r"second occurrence", "再次出现"),
    (r"expected a comment or a line break, but found (.*)", "此处只能是注释或换行，实际遇到{0}"),
    (r"found a tab character (?:where an indentation space is expected|that violates? indentation)", "缩进中不能使用制表符（Tab），请改用空格"),
    (r"expected (.*), but found (.*)", "应为{0}，实际遇到{1}（请检查缩进和“- ”“: ”的位置）"),
)


def _walk(
    node: yaml.Node,
    path: PathKey,
    lines: dict[PathKey, int],
    loader: yaml.SafeLoader,
    where: str,
    error: type[CheckerError],
    depth: int,
) -> None:
    if depth > MAX_DEPTH:
        raise error(f"{where}:{node.start_mark.line + 1}：YAML 嵌套超过 {MAX_DEPTH} 层")
    if path in lines:
        return  # an alias already walked under this path
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise error(f"{where}:{key_node.start_mark.line + 1}：映射的键必须是简单值")
            key = loader.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise error(f"{where}:{line}：重复的键 “{key}”（第 {seen[key]} 行已出现）")
            seen[key] = line
            _walk(value_node, (*path, key), lines, loader, where, error, depth + 1)
            lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, loader, where, error, depth + 1)
    elif node.tag == _TIMESTAMP:
        # PyYAML turns an impossible date such as 2023-02-30 into a bare ValueError at
        # construction time, with no position; check it here where the line is known.
        try:
            loader.construct_object(node)
        except ValueError:
            raise error(f"{where}:{node.start_mark.line + 1}：日期 “{node.value}” 不存在，请检查年月日") from None


def _check_expansion(root: yaml.Node, where: str, error: type[CheckerError]) -> None:
    """Refuse documents whose aliases expand to huge trees, in time linear in the unique nodes.

    A document without aliases expands to itself, however large; only the nodes that aliases
    add on expansion count against `MAX_NODES`.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes and not done:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if done:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            if total - len(sizes) > MAX_NODES:
                raise error(f"{where}：YAML 别名展开后增加超过 {MAX_NODES} 个节点，疑似“别名炸弹”，已拒绝")
            sizes[key] = total
            open_nodes.discard(key)
        else:
            if key in open_nodes:
                raise error(f"{where}：YAML 含有自我引用的别名，已拒绝")
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
