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


def test_review_walkthrough_runs_verbatim(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The README's 回头看 block, run by bash with `.venv/bin/zwgk` as this interpreter's CLI."""
    import json
    import os
    import subprocess
    import sys

    block = next(b for b in _commands() if "回头看/waivers.yaml" in b)
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "zwgk").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m checker.cli "$@"\n', encoding="utf-8")
    (venv_bin / "zwgk").chmod(0o755)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    review = tmp_path / "回头看"
    waived = json.loads((review / "2022年度" / "report.json").read_text(encoding="utf-8"))
    tasks = next(f for f in waived["findings"] if f["rule_id"] == "songjiang-psb-2022/tasks-on-time")
    assert [v["record_id"] for v in tasks["violations"] if v["waived"]] == ["SJ2022-034"]
    assert waived["summary"]["waived_violations"] == 1
    later = json.loads((review / "2023年度" / "report.json").read_text(encoding="utf-8"))
    counts = later["summary"]["baseline"]["findings"]
    assert counts["persisting"] > 0 and counts["new"] + counts["persisting"] == later["summary"]["by_status"]["fail"]
    assert "未通过的规则：新增" in done.stdout and "不在本次（2023 年度）检查范围" in done.stdout
