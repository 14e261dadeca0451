"""Click's own words in Chinese: help headings and usage errors.

Click writes its help frame ("Usage:", "Options:", "Show this message and exit.") and its usage
errors ("Missing argument 'EVIDENCE'.") in English. The help frame is translated by a help
formatter; the errors by matching click's message texts (a message this table does not know
keeps click's words after a Chinese lead, so nothing is lost when click changes a wording).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import click

_HEADINGS = {"Options": "选项", "Commands": "命令", "Positional arguments": "参数"}
_ROWS = {"Show this message and exit.": "显示本帮助并退出。", "Show the version and exit.": "显示版本号并退出。"}


class HelpFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _ROWS.get(text, text)) for term, text in rows], col_max, col_spacing)


class Context(click.Context):
    formatter_class = HelpFormatter


def _value(text: str) -> str:
    return f"“{text.strip(chr(39))}”"


# (pattern over click's message, Chinese); groups are filled in by position.
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"Missing argument '(.+)'\.", "缺少参数 {0}"),
    (r"Missing option '(.+)'\.", "缺少选项 {0}"),
    (r"Missing command\.", "缺少子命令"),
    (r"No such command '(.+)'\.", "没有命令 {0}"),
    (r"No such option '(.+)'\. Did you mean '(.+)'\?", "没有选项 {0}，是否想用 {1}？"),
    (r"No such option '(-[0-9][0-9.]*)'\..*", "没有选项 {0}（负数会被当作选项；参数中的负数请写在 -- 之后，如 -- {0}）"),
    (r"No such option '(.+)'\..*", "没有选项 {0}"),
    (r"Got unexpected extra arguments? \((.+)\)", "多余的参数：{0}"),
    (r"Option '(.+)' requires an argument\.", "选项 {0} 需要一个值"),
    (r"Option '(.+)' requires (\d+) arguments\.", "选项 {0} 需要 {1} 个值"),
    (r"Option '(.+)' does not take a value\.", "选项 {0} 不接受值"),
)
_VALUES: tuple[tuple[str, str], ...] = (
    (r"'(.*)' is not one of (.+)\.", "{0} 不是可选值之一（可选：{choices}）"),
    (r"'(.*)' is not '(.*)'\.", "{0} 不是可选值（应为 {1}）"),
    (r"'(.*)' is not a valid integer\.", "{0} 不是整数"),
    (r"'(.*)' is not a valid integer range\.", "{0} 不是整数"),
    (r"'(.*)' is not a valid float\.", "{0} 不是数字"),
    (r"(.+) is not in the range (.+)\.", "{0} 不在允许的范围 {1} 内"),
    (r"(?:File|Directory|Path) '(.+)' does not exist\.", "{0} 不存在"),
    (r"(?:File|Directory|Path) '(.+)' is a file\.", "{0} 是文件，这里需要文件夹"),
    (r"(?:File|Directory|Path) '(.+)' is a directory\.", "{0} 是文件夹，这里需要文件"),
    (r"(?:File|Directory|Path) '(.+)' is not readable\.", "{0} 不可读"),
    (r"(?:File|Directory|Path) '(.+)' is not writable\.", "{0} 不可写"),
)


def _match(text: str, table: Iterable[tuple[str, str]], quote: bool) -> str | None:
    for pattern, words in table:
        found = re.fullmatch(pattern, text.strip(), flags=re.DOTALL)
        if found:
            groups = found.groups()
            if "{choices}" in words:  # 'html', 'json', 'md' → html、json、md
                words = words.replace("{choices}", "、".join(c.strip().strip("'") for c in groups[-1].split(",")))
            for i, group in enumerate(groups):
                shown = group.replace("'", "") if not quote else _value(group)
                words = words.replace(f"{{{i}}}", shown)
            return words
    return None


def usage_message(exc: click.ClickException) -> str:
    """Click's usage error in Chinese."""
    text = exc.format_message()
    invalid = re.fullmatch(r"Invalid value for '(.+?)': (.*)", text, flags=re.DOTALL)
    if invalid:
        inner = _match(invalid[2], _VALUES, quote=True)
        return f"{invalid[1]} 的值无效：{inner or invalid[2]}"
    return _match(text, _MESSAGES, quote=False) or f"命令行用法有误（{text}）"
