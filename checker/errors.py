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
