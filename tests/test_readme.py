"""The README's first two commands are the set-up contract; CI must run exactly the second."""

from __future__ import annotations

import re

from tests.conftest import REPO


def _commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_first_command_installs_and_runs_the_demo() -> None:
    first = _commands()[0]
    assert first.startswith("python3 -m venv .venv && .venv/bin/pip install -e . && ")
    assert first.endswith("zwgk demo")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    second = _commands()[1]
    assert "pytest" in second and "[test]" in second
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert second in ci.splitlines()
