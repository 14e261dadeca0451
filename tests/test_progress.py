"""Progress on stderr: only on a terminal, never with --quiet or into a pipe, cleared at the end."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from checker.demo import build_demo_evidence
from checker.progress import Progress


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_evidence(tmp_path_factory.mktemp("progress") / "evidence")


def _run_with_tty_stderr(args: list[str], ci: str = "") -> tuple[int, str, str]:
    """Run `zwgk` with stderr on a pseudo-terminal (what a person at a shell has; `ci`: the CI
    variable, unset by default even when the tests themselves run in CI)."""
    master, slave = pty.openpty()
    env = {**os.environ, "ZWGK_PROGRESS_DELAY": "0", "TERM": "xterm", "CI": ci}
    process = subprocess.Popen([sys.executable, "-m", "checker.cli", *args], stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    out, _ = process.communicate(timeout=120)
    os.close(master)
    return process.returncode, out.decode("utf-8"), b"".join(chunks).decode("utf-8")


def _check(evidence: Path, out: Path, *extra: str) -> list[str]:
    return ["check", str(evidence), "--year", "2022", "--as-of", "2023-03-01", "--format", "json", "--out", str(out), *extra]


def test_terminal_gets_stage_counts_and_a_cleared_line(evidence: Path, tmp_path: Path) -> None:
    code, out, err = _run_with_tty_stderr(_check(evidence, tmp_path))
    assert code in (0, 1)
    assert "读取台账" in err
    assert "[1/" in err and "检查规则" in err and "写出报告：report.json" in err
    assert err.endswith("\r\x1b[K")  # the line is cleared before the summary
    assert "检查完成" in out and "\r" not in out


def test_quiet_and_pipes_get_no_progress(evidence: Path, tmp_path: Path) -> None:
    _, _, err = _run_with_tty_stderr(_check(evidence, tmp_path, "--quiet"))
    assert err == ""
    piped = subprocess.run(
        [sys.executable, "-m", "checker.cli", *_check(evidence, tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "ZWGK_PROGRESS_DELAY": "0"},
        check=False,
    )
    assert piped.returncode in (0, 1)
    assert piped.stderr == ""


@pytest.mark.parametrize("ci", ["true", "1"])
def test_ci_gets_no_progress_even_on_a_terminal(evidence: Path, tmp_path: Path, ci: str) -> None:
    """Some CI services give the job a terminal; they all set CI."""
    code, _, err = _run_with_tty_stderr(_check(evidence, tmp_path), ci=ci)
    assert code in (0, 1) and err == ""


def test_nothing_is_shown_before_the_delay() -> None:
    stream = io.StringIO()
    slow = Progress(enabled=True, stream=stream, delay=3600)
    slow.stage("检查规则", "x", 1, 2)
    slow.close()
    assert stream.getvalue() == ""
    fast = Progress(enabled=True, stream=stream, delay=0)
    fast.stage("检查规则", "x", 1, 2)
    fast.close()
    assert stream.getvalue() == "\r\x1b[K[1/2] 检查规则：x\r\x1b[K"
