"""The bad-input corpus (tests/corpus/bad/manifest.yaml): every empty, malformed, hostile or huge
input gets its documented exit code and its exact Chinese message naming the file (and row and
column where there is one) — never a traceback, never an internal error, in bounded time and
memory, and without any evidence file being written.

All cases run in one child process (`make_corpus.py --run`) with its address space limited to
3 GB: a case that crashes the interpreter or runs away with memory fails here instead of taking
pytest down with it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
REPO = CORPUS.parent.parent
MAX_MEMORY_MB = 3072
MAX_SECONDS_PER_CASE = 10

_spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
assert _spec is not None and _spec.loader is not None
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)

CASES: list[dict[str, Any]] = make_corpus.load_manifest()


def _digest(folder: Path) -> dict[str, tuple[str, int]]:
    """Content hash and modification time of every file: any write would change one of them."""
    return {
        path.relative_to(folder).as_posix(): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _run_corpus(workdir: Path, **extra_env: str) -> dict[str, Any]:
    before = _digest(make_corpus.BAD)
    env = {k: v for k, v in os.environ.items() if k not in ("ZWGK_DEBUG", "CORPUS_SCAN_AHEAD")}  # debug mode re-raises on purpose
    env.update(extra_env)
    proc = subprocess.run(
        [sys.executable, str(CORPUS / "make_corpus.py"), "--run", str(workdir), "--max-memory-mb", str(MAX_MEMORY_MB)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=env,
        check=False,
    )
    results = json.loads(proc.stdout) if proc.returncode == 0 else {}
    return {"proc": proc, "results": results, "before": before, "after": _digest(make_corpus.BAD), "workdir": str(workdir)}


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def outcome_ahead(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The corpus again, every workbook pre-scanned by the helper process (checker.evidence.scan_ahead)."""
    return _run_corpus(tmp_path_factory.mktemp("corpus-ahead"), CORPUS_SCAN_AHEAD="all")


def test_the_corpus_covers_at_least_45_cases_and_every_committed_file() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) >= 45
    assert len(set(names)) == len(names)
    used = set()
    for case in CASES:
        assert ("path" in case) != ("generated" in case), case["name"]
        if "path" in case:
            assert (make_corpus.BAD / case["path"]).exists(), case["path"]
            used.add(case["path"].split("/")[0])
        else:
            assert case["generated"] in make_corpus.GENERATED, case["name"]
    committed = {path.name for path in make_corpus.BAD.iterdir()} - {"manifest.yaml"}
    assert committed == used, "every committed file belongs to a case, every case file is committed"


def test_committed_files_are_what_the_builder_writes(tmp_path: Path) -> None:
    """`python tests/corpus/make_corpus.py` rebuilds the committed corpus byte for byte."""
    make_corpus.write_committed(tmp_path)
    rebuilt = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    committed = {p.relative_to(make_corpus.BAD).as_posix(): p.read_bytes() for p in make_corpus.BAD.rglob("*") if p.is_file()}
    committed.pop("manifest.yaml")
    assert sorted(rebuilt) == sorted(committed)
    changed = [name for name in rebuilt if rebuilt[name] != committed[name]]
    assert not changed


def test_the_runner_survived_every_case(outcome: dict[str, Any]) -> None:
    proc = outcome["proc"]
    assert proc.returncode == 0, f"the corpus run crashed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr
    assert sorted(outcome["results"]) == sorted(case["name"] for case in CASES)


def test_no_evidence_file_was_written(outcome: dict[str, Any]) -> None:
    assert outcome["after"] == outcome["before"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case(case: dict[str, Any], outcome: dict[str, Any]) -> None:
    result = outcome["results"].get(case["name"])
    assert result is not None, "the corpus run did not finish; see test_the_runner_survived_every_case"
    shown = result["stdout"] + result["stderr"]
    assert "Traceback" not in shown
    assert "内部错误" not in shown and "harness:" not in shown, shown
    assert result["code"] == case["exit"], shown
    for text in case["stderr"]:
        assert text in result["stderr"], f"expected on stderr: {text}\ngot:\n{result['stderr']}"
    for text in case["stdout"]:
        assert text in result["stdout"], f"expected on stdout: {text}\ngot:\n{result['stdout']}"
    for name, texts in case["files"].items():
        content = result["files"].get(name)
        assert content is not None, f"{name} was not written"
        for text in texts:
            assert text in content, f"expected in {name}: {text}"
    if case["exit"] == 2:
        assert result["stderr"].startswith("错误："), "errors are Chinese messages on stderr"
        assert not result["stdout"], "no report pretending to be complete"
    assert result["seconds"] < MAX_SECONDS_PER_CASE


def test_the_scan_ahead_helper_changes_no_outcome(outcome: dict[str, Any], outcome_ahead: dict[str, Any]) -> None:
    """Every case, bombs and broken workbooks included, ends exactly alike when a helper process
    pre-scans the workbooks: same exit code, same messages, same report files."""
    assert outcome_ahead["proc"].returncode == 0, outcome_ahead["proc"].stderr[-3000:]
    plain, ahead = outcome["results"], outcome_ahead["results"]
    assert sorted(ahead) == sorted(plain)

    def seen(run: dict[str, Any], name: str) -> str:  # what the user saw, the run's own folder named alike
        result = run["results"][name]
        shown = json.dumps({k: result[k] for k in ("code", "stdout", "stderr", "files")}, ensure_ascii=False)
        return shown.replace(run["workdir"], "{workdir}")

    for name in plain:
        assert seen(outcome_ahead, name) == seen(outcome, name), name
    helped = sorted(name for name in ahead if ahead[name]["helper"])
    # every `check` of a workbook, except the empty one and the one over the size limit (the
    # loader refuses both by their size, so the helper is never given them)
    workbook_checks = {case["name"] for case in CASES if case["name"].startswith("xlsx-") and case["args"][0] == "check"}
    assert len(workbook_checks) >= 10
    assert workbook_checks - {"xlsx-1gb", "xlsx-empty"} <= set(helped), helped
    assert not any(plain[name]["helper"] for name in plain), "small workbooks get no helper by default"
    assert outcome_ahead["after"] == outcome_ahead["before"]
