"""Shared test helpers: run the real CLI in-process and capture what a user would see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from checker.rulepack import RulePack

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def zwgk(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """`zwgk("check", dir, ...)` → exit code, stdout, stderr, exactly as the console script."""
    from checker.cli import main

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def write_csv(path: Path, header: str, *rows: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


# The FOI reply deadline as the national pack writes it (条例 arts. 30 and 33).
FOI_DEADLINE: dict[str, Any] = {
    "type": "deadline",
    "start": "received_at",
    "end": "replied_at",
    "within": {"working_days": 20},
    "restart": "corrected_at",
    "exclude": [["third_party_from", "third_party_to"]],
    "extension": {"working_days": 20},
}


def one_rule_pack(check: dict[str, Any], kind: str = "consultation", where: dict[str, Any] | None = None) -> RulePack:
    """A pack holding one rule `t/r` with this check, for tests of a check's behaviour."""
    from checker.rulepack import RulePack

    return RulePack.model_validate(
        {
            "pack": {"id": "t", "title": "测试", "issuer": "测试", "year": 2022, "source_file": "t.txt"},
            "rules": [
                {
                    "id": "t/r",
                    "title": "测试规则",
                    "severity": "major",
                    "kind": kind,
                    "where": where or {},
                    "check": check,
                    "source": {"file": "t.txt", "clause": "一", "quote": "测试"},
                }
            ],
        }
    )
