"""One error family for everything a user can get wrong, and the exit codes.

Every error carries Chinese messages that already name the place (file:line for YAML,
file:sheet:row:column for tables). The CLI prints them and exits with EXIT_ERROR; nothing
below the CLI prints or exits.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3


class CheckerError(Exception):
    """A problem with the user's input: usage, rules, evidence or calendar data.

    `problems` holds every message found, so a user fixes them all in one round.
    """

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class UsageError(CheckerError):
    """Bad command-line usage or options."""


class RuleError(CheckerError):
    """A rule pack, profile or waiver file that does not validate."""


class EvidenceError(CheckerError):
    """Evidence files that cannot be read or do not match the schema."""


class CalendarError(CheckerError):
    """A date outside the working-day calendar's data, or a bad overrides file."""


class OutputError(CheckerError):
    """Reports, templates or drafts that cannot be written where the user asked."""


_OS_ERRORS_ZH = {
    "EACCES": "没有访问权限",
    "EPERM": "没有权限",
    "EROFS": "所在的文件系统是只读的",
    "ENOSPC": "磁盘空间不足",
    "EDQUOT": "超出磁盘配额",
    "ENOTDIR": "路径中的某一级是文件，不是文件夹",
    "EISDIR": "已有同名的文件夹",
    "EEXIST": "已有同名的文件或文件夹",
    "ENOENT": "路径不存在",
    "ENAMETOOLONG": "路径过长",
    "EFBIG": "文件过大",
    "EIO": "输入输出错误（磁盘或网络存储出错）",
}


def os_error_text(exc: OSError) -> str:
    """`路径：原因` for a failed write, in Chinese (the system's own words after it, for support)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    reason = _OS_ERRORS_ZH.get(name, "操作系统报告错误")
    where = exc.filename if exc.filename is not None else ""
    detail = f"（{name} {exc.strerror}）" if exc.strerror else ""
    return f"{where}：{reason}{detail}" if where else f"{reason}{detail}"
