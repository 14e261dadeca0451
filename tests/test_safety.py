"""Safety of the user's files (issue 8): the evidence folder is never written, and an interrupted
`zwgk check` never leaves a half-written report under a report's name.

Both run the real command in a child process (`python -m checker.cli`), as a user or a CI job
does. The interrupt tests generate one large evidence set per module (60,000 consultations,
most of them answered late), so that writing the reports takes long enough to be interrupted:
they watch the output folder and signal the child at the moment a report's temporary file
appears (and at fixed fractions of a full run's duration).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHECK_ARGS = ["--year", "2022", "--as-of", "2023-03-01"]
REPORT_FILES = ("report.html", "violations.csv", "report.json", "report.junit.xml", "report.sarif", "report.md")
# What `write_atomic` names its temporary files: hidden, beside the report, never a report's name.
TEMP_NAME = re.compile(r"^\.(report\.html|violations\.csv|report\.json|report\.junit\.xml|report\.sarif|report\.md)\.[^/]+\.tmp$")


def zwgk_argv(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "checker.cli", *map(str, args)]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ZWGK_DEBUG", None)  # the user's view: messages, not tracebacks
    return env


# =========================================================================== evidence is read-only
def snapshot(root: Path) -> dict[str, tuple[str, int, int, str]]:
    """Every entry under `root` (hidden ones too): kind, size, mtime_ns and sha256 for files;
    kind and mtime_ns for folders (a file created and removed again changes its folder's mtime)."""
    state: dict[str, tuple[str, int, int, str]] = {}
    for path in sorted([root, *root.rglob("*")]):
        rel = path.relative_to(root).as_posix()
        info = path.lstat()
        if path.is_symlink():
            state[rel] = ("link", 0, info.st_mtime_ns, os.readlink(path))
        elif path.is_dir():
            state[rel] = ("dir", 0, info.st_mtime_ns, "")
        else:
            state[rel] = ("file", info.st_size, info.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return state


# Run inside the child before the CLI: any attempt to open an evidence path for writing, or to
# create, rename, remove or re-stamp anything under it, is recorded and printed on exit.
AUDIT = r"""
import atexit, os, sys
root = os.path.realpath(sys.argv[1])
hits = []
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
CHANGE = {"os.rename", "os.replace", "os.remove", "os.unlink", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
          "os.utime", "os.truncate", "os.symlink", "os.link", "shutil.rmtree", "shutil.move", "shutil.copyfile"}
def inside(p):
    try:
        p = os.path.realpath(os.fsdecode(p))
    except (TypeError, ValueError):
        return False
    return p == root or p.startswith(root + os.sep)
def hook(event, args):
    if event == "open":
        path, mode, flags = args
        writing = (mode is not None and any(c in str(mode) for c in "wax+")) or bool((flags or 0) & WRITE)
        if writing and isinstance(path, (str, bytes, os.PathLike)) and inside(path):
            hits.append(f"open {path!r} mode={mode!r} flags={flags!r}")
    elif event in CHANGE:
        for a in args:
            if isinstance(a, (str, bytes, os.PathLike)) and inside(a):
                hits.append(f"{event} {a!r}")
sys.addaudithook(hook)
atexit.register(lambda: hits and print("EVIDENCE-WRITE " + " | ".join(hits), file=sys.stderr))
del sys.argv[1]
from checker.cli import main
main()
"""


def run_audited(evidence: Path, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-c", AUDIT, str(evidence), *map(str, args)]
    return subprocess.run(argv, check=False, cwd=cwd, env=child_env(), capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def demo_evidence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's evidence (CSV in UTF-8 and GBK, two workbooks, a notes file), plus a hidden
    file, a sub-folder and an Excel lock file, which a careless reader might touch too."""
    from checker.demo import build_demo_evidence

    folder = build_demo_evidence(tmp_path_factory.mktemp("demo") / "evidence")
    (folder / ".hidden-note").write_text("不是台账\n", encoding="utf-8")
    (folder / "~$foi_requests.xlsx").write_bytes(b"\x00lock")
    sub = folder / "2022-下半年"
    sub.mkdir()
    shutil.copy(folder / "facts.csv", sub / "facts_补充.csv")
    (sub / "facts_补充.csv").write_text("key,year,value\nopen_days,2022,1\n", encoding="utf-8")
    # An old timestamp, so that a re-write within the same clock tick would still show.
    for path in [*folder.rglob("*"), folder]:
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000), follow_symlinks=False)
    return folder


def test_check_never_writes_the_evidence_folder(demo_evidence: Path, tmp_path: Path) -> None:
    before = snapshot(demo_evidence)
    out = tmp_path / "out"
    runs: list[list[str | Path]] = [
        ["check", demo_evidence, *CHECK_ARGS, "--out", out, "--fail-on", "never"],  # every format
        ["validate", demo_evidence],
    ]
    for argv in runs:
        result = run_audited(demo_evidence, *argv, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "EVIDENCE-WRITE" not in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(demo_evidence) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(REPORT_FILES)
    json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_the_audit_would_see_a_write(demo_evidence: Path, tmp_path: Path) -> None:
    """The two detectors above can fail: a run that does write into the folder is caught by both
    (here `zwgk template --force` writing a template into a copy of the evidence folder)."""
    copy = tmp_path / "evidence"
    shutil.copytree(demo_evidence, copy, symlinks=True)
    before = snapshot(copy)
    result = run_audited(copy, "template", "fact", "--format", "csv", "--out", copy, "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "EVIDENCE-WRITE" in result.stderr
    assert snapshot(copy) != before


def evidence_files(folder: Path) -> dict[str, tuple[str, int, int, str]]:
    """`snapshot` without the folder itself and its `reports/` (which the runs below create)."""
    return {k: v for k, v in snapshot(folder).items() if k != "." and k != "reports" and not k.startswith("reports/")}


def test_reports_inside_the_evidence_folder(demo_evidence: Path, tmp_path: Path) -> None:
    """`--out` inside the evidence folder (also what `cd 台账 && zwgk check .` does with the default
    `--out reports`). The CLI accepts it. The evidence files themselves must stay untouched, and a
    second run must not read the first run's reports as evidence: it either gives the same report
    again or the CLI refuses such an `--out` up front (exit 2, nothing written)."""
    evidence = tmp_path / "evidence"
    shutil.copytree(demo_evidence, evidence, symlinks=True)
    before = evidence_files(evidence)
    out = evidence / "reports"
    first = run_audited(evidence, "check", evidence, *CHECK_ARGS, "--out", out, "--quiet", cwd=tmp_path)
    assert "Traceback" not in first.stderr
    assert evidence_files(evidence) == before  # nothing but the reports folder was added
    if first.returncode == 2:  # refused up front: then nothing may have been written
        assert not out.exists(), first.stderr
        return
    assert first.returncode == 1, first.stderr  # the demo has failing rules
    report = (out / "report.json").read_bytes()
    second = run_audited(evidence, "check", evidence, *CHECK_ARGS, "--out", out, "--quiet", cwd=tmp_path)
    assert evidence_files(evidence) == before
    assert second.returncode == first.returncode, f"second run read its own reports as evidence:\n{second.stderr}"
    assert (out / "report.json").read_bytes() == report


# =========================================================================== interrupted writes
ROWS = 60_000


def build_big_evidence(folder: Path, rows: int) -> Path:
    """`rows` consultations across 2022, replies 10 minutes to 10 days later: most are late
    for the 1-working-day rules, so every format has tens of thousands of violations to write."""
    import random

    import polars as pl

    rng = random.Random(8)
    start = dt.datetime(2022, 1, 1)
    received = [start + dt.timedelta(minutes=rng.randrange(364 * 24 * 60)) for _ in range(rows)]
    replied = [r + dt.timedelta(minutes=rng.randrange(10, 10 * 24 * 60)) for r in received]
    departments = ["交警支队", "治安支队", "人口管理办公室", "出入境管理办公室", "指挥处"]
    channels = ["网上咨询求助平台", "12345热线", "领导信箱", "网站留言"]
    folder.mkdir(parents=True)
    pl.DataFrame(
        {
            "id": [f"C{i:07d}" for i in range(rows)],
            "department": [rng.choice(departments) for _ in range(rows)],
            "channel": [rng.choice(channels) for _ in range(rows)],
            "received_at": pl.Series(received).dt.strftime("%Y-%m-%d %H:%M"),
            "replied_at": pl.Series(replied).dt.strftime("%Y-%m-%d %H:%M"),
        }
    ).write_csv(folder / "consultations.csv")
    return folder


OLD = {  # a previous review's complete reports, each valid in its format
    "report.html": '<!doctype html>\n<html lang="zh-CN"><body>上一次的报告</body></html>\n',
    "violations.csv": "\ufeff编号,规则\nOLD-1,old\n",
    "report.json": json.dumps({"summary": {"old": True}, "findings": []}, ensure_ascii=False) + "\n",
    "report.junit.xml": '<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="old"></testsuites>\n',
    "report.sarif": json.dumps({"version": "2.1.0", "runs": []}) + "\n",
    "report.md": "# 上一次的报告\n",
}


class Big:
    def __init__(self, evidence: Path, reference: dict[str, bytes], seconds: float) -> None:
        self.evidence = evidence
        self.reference = reference  # a complete run's reports (same input → same bytes)
        self.seconds = seconds


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Big:
    root = tmp_path_factory.mktemp("big")
    evidence = build_big_evidence(root / "evidence", ROWS)
    out = root / "reference"
    start = time.perf_counter()
    argv = zwgk_argv("check", evidence, *CHECK_ARGS, "--out", out, "--quiet")
    result = subprocess.run(argv, check=False, env=child_env(), capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - start
    assert result.returncode == 1, result.stderr
    reference = {name: (out / name).read_bytes() for name in REPORT_FILES}
    assert len(json.loads(reference["report.json"])["findings"]) > 0
    assert reference["report.json"] != OLD["report.json"].encode()
    return Big(evidence, reference, seconds)


def seeded_out(tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    out.mkdir()
    for file, text in OLD.items():
        (out / file).write_text(text, encoding="utf-8")
    return out


def start_check(big: Big, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        zwgk_argv("check", big.evidence, *CHECK_ARGS, "--out", out, "--quiet"),
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_temp(process: subprocess.Popen[str], out: Path, report: str, timeout: float = 120) -> bool:
    """Poll `out` until the temporary file of `report` shows up (True) or the child ends (False)."""
    prefix = f".{report}."
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        with os.scandir(out) as entries:
            if any(e.name.startswith(prefix) and e.name.endswith(".tmp") for e in entries):
                return True
        time.sleep(0.0002)
    return False


def temp_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name not in REPORT_FILES)


def assert_each_report_old_or_new(big: Big, out: Path) -> dict[str, str]:
    """Every file with a report's name is byte for byte the old complete one or the new complete
    one; anything else in the folder is a temporary file (hidden, `.tmp`, not a report's name)."""
    state = {}
    for name in REPORT_FILES:
        data = (out / name).read_bytes()
        if data == OLD[name].encode():
            state[name] = "old"
        elif data == big.reference[name]:
            state[name] = "new"
        else:  # say how it differs: truncated or otherwise
            new = big.reference[name]
            how = "a truncated new report" if new.startswith(data) else "neither the old nor the new report"
            raise AssertionError(f"{name}: {len(data)} bytes, {how} (new is {len(new)} bytes)")
    for name in temp_files(out):
        assert TEMP_NAME.match(name), f"unexpected file in the report folder: {name}"
    # The formats parse as what they claim to be.
    json.loads((out / "report.json").read_bytes())
    json.loads((out / "report.sarif").read_bytes())
    assert (out / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    return state


def stop_and_kill_at_temp(big: Big, out: Path, report: str) -> bool:
    """Run the check; the moment `report`'s temporary file appears, stop the child (SIGSTOP),
    look, then kill it (SIGKILL). Returns whether it was stopped mid-write (its temporary file
    still there), in which case the final name must still hold the old report."""
    process = start_check(big, out)
    try:
        assert wait_for_temp(process, out, report), f"the child ended before writing {report}"
        process.send_signal(signal.SIGSTOP)
        mid_write = any(n.startswith(f".{report}.") for n in temp_files(out))
        if mid_write:  # stopped between creating the temporary file and renaming it
            assert (out / report).read_bytes() == OLD[report].encode(), f"{report} changed before its rename"
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return mid_write


@pytest.mark.parametrize("report", ["report.html", "report.json", "report.sarif"])
def test_sigkill_while_a_report_is_being_written(big: Big, tmp_path: Path, report: str) -> None:
    """SIGKILL while `report` is being written: each report is the old one or the new one; the
    one being written is the old one, and its temporary file is left behind under a hidden `.tmp`
    name, never under the report's name. (Reports written before it are already the new ones:
    after an interrupted run the folder can hold a mix of new and old reports, each complete.)

    The temporary file of a multi-megabyte report lives for milliseconds, so catching the child
    inside that window is all but certain; the large reports (JSON, SARIF) get three tries and
    must be caught at least once, so that the test cannot pass without testing a mid-write kill.
    The HTML page is small: on a fast disk its window may be missed, and then only the outcome is
    checked."""
    for attempt in range(3):
        out = seeded_out(tmp_path, f"out{attempt}")
        mid_write = stop_and_kill_at_temp(big, out, report)
        state = assert_each_report_old_or_new(big, out)
        if mid_write:
            assert state[report] == "old"
            assert [n for n in temp_files(out) if n.startswith(f".{report}.")], "SIGKILL leaves the temporary file"
            break
    else:
        if report != "report.html":
            pytest.fail(f"three runs, and none was caught while writing {report}")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.8])
def test_sigkill_at_a_fixed_delay(big: Big, tmp_path: Path, fraction: float) -> None:
    """Killed at 10 %, 50 % and 80 % of a full run's duration: whatever stage the child is in
    (loading, checking, rendering, writing), each report is the old one or the new one."""
    out = seeded_out(tmp_path, "out")
    process = start_check(big, out)
    try:
        time.sleep(big.seconds * fraction)
        process.kill()
    finally:
        process.kill()
        process.wait(timeout=30)
    assert_each_report_old_or_new(big, out)


def test_sigint_while_writing_cleans_up_and_says_interrupted(big: Big, tmp_path: Path) -> None:
    """Ctrl-C while report.json is being written: no temporary file is left behind, report.json
    is the old or the new one, the message is the interrupt's (no traceback), and the exit code
    is 130 (128 + SIGINT), not 2, which would tell a CI gate that the evidence is bad."""
    out = seeded_out(tmp_path, "out")
    process = start_check(big, out)
    try:
        assert wait_for_temp(process, out, "report.json"), "the child ended before writing report.json"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert_each_report_old_or_new(big, out)
    assert temp_files(out) == [], "an interrupted write must remove its temporary file"
    assert "Traceback" not in err
    assert process.returncode == 130, f"exit {process.returncode}, stderr: {err.strip()!r}"
    assert "已中断" in err
