"""The `zwgk` program ends without tearing the interpreter down (checker.cli.end_process): its
output, exit code and exit handlers must be exactly those of a normal exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO, write_csv

HEADER = "id,department,channel,received_at,replied_at"


def _zwgk(*args: str | Path, prelude: str = "", **kwargs: object) -> subprocess.CompletedProcess[str]:
    """The console script's path: `main()` without arguments, reading sys.argv."""
    code = f"import sys; sys.path.insert(0, {str(REPO)!r}); {prelude}from checker.cli import main; main()"
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, env=env, timeout=120, **kwargs)  # type: ignore[call-overload, no-any-return]


def test_exit_codes_and_all_output_arrive(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good" / "consultations.csv", HEADER, "C-1,指挥处,online_platform,2022-10-10 10:00,2022-10-10 11:00").parent
    late = write_csv(tmp_path / "late" / "consultations.csv", HEADER, "C-1,指挥处,online_platform,2022-10-10 10:00,2022-10-20 11:00").parent
    bad = write_csv(tmp_path / "bad" / "consultations.csv", HEADER, "C-1,指挥处,online_platform,2022-13-40 10:00,").parent
    common = ("--rules", "songjiang-psb-2022", "--year", "2022", "--as-of", "2023-03-01", "--format", "json")

    passed = _zwgk("check", good, *common, "--out", tmp_path / "o1")
    assert passed.returncode == 0, passed.stderr
    assert passed.stdout.splitlines()[-1] == f"报告：{tmp_path / 'o1' / 'report.json'}"  # the last line, flushed

    failed = _zwgk("check", late, *common, "--out", tmp_path / "o2")
    assert failed.returncode == 1, failed.stderr
    assert (tmp_path / "o2" / "report.json").read_text(encoding="utf-8").endswith("}\n")  # written whole

    refused = _zwgk("check", bad, *common, "--out", tmp_path / "o3")
    assert refused.returncode == 2
    assert "无法识别的日期 “2022-13-40 10:00”" in refused.stderr
    assert "Traceback" not in refused.stderr

    usage = _zwgk("check", good, "--year", "abc")
    assert usage.returncode == 2 and "用法错误" in usage.stderr


def test_exit_handlers_run_and_their_output_is_flushed() -> None:
    done = _zwgk("--help", prelude="import atexit; atexit.register(lambda: print('退出处理已运行')); ")
    assert done.returncode == 0
    assert done.stdout.rstrip().endswith("退出处理已运行")
    assert "check" in done.stdout


def test_output_that_cannot_be_flushed_at_the_end_is_no_error() -> None:
    """A reader that has gone away (`| head -1`) or a closed stream when the last output is
    flushed: the run's exit code, and no traceback or 'Exception ignored' message."""
    code = (
        f"import sys; sys.path.insert(0, {str(REPO)!r})\n"
        "from checker.cli import end_process\n"
        "class Gone:\n"
        "    def write(self, text): return len(text)\n"
        "    def flush(self): raise BrokenPipeError(32, 'Broken pipe')\n"
        "sys.stdout = Gone()\n"
        "sys.stderr = None\n"
        "end_process(7)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 7
    assert done.stderr == "" and done.stdout == ""


def test_standard_error_closed(tmp_path: Path) -> None:
    """`zwgk check … 2>&-`: Python has no sys.stderr then; the run still ends with its own code."""
    late = write_csv(tmp_path / "ev" / "consultations.csv", HEADER, "C-1,指挥处,online_platform,2022-10-10 10:00,2022-10-20 11:00").parent
    code = f"import sys; sys.path.insert(0, {str(REPO)!r}); from checker.cli import main; main()"
    args = ["check", str(late), "--rules", "songjiang-psb-2022", "--year", "2022", "--as-of", "2023-03-01", "--format", "json", "--out", str(tmp_path / "o")]
    done = subprocess.run(["bash", "-c", 'exec "$@" 2>&-', "zwgk", sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout  # a rule failed (before the fix: 3, a lost internal error)
    assert "检查完成" in done.stdout
    assert (tmp_path / "o" / "report.json").exists()


def test_ctrl_c_while_the_evidence_is_read_ends_the_run_at_once(tmp_path: Path) -> None:
    """The main thread waits for the reading thread in slices: an untimed wait would hold the
    interrupt until the reading ends (here 60 s)."""
    good = write_csv(tmp_path / "ev" / "consultations.csv", HEADER, "C-1,指挥处,online_platform,2022-10-10 10:00,2022-10-10 11:00").parent
    prelude = (
        "import time; import checker.evidence.load as L\n"
        "def slow(path, progress, *, stop):\n"
        "    sys.stderr.write('LOADING\\n'); sys.stderr.flush(); time.sleep(60)\n"
        "L.load_evidence = slow\n"
    )
    code = f"import sys; sys.path.insert(0, {str(REPO)!r})\n{prelude}from checker.cli import main; main()"
    args = ["check", str(good), "--format", "json", "--out", str(tmp_path / "o"), "--quiet"]
    run = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # (a background shell starts children ignoring it)
    )
    assert run.stderr is not None
    assert run.stderr.readline().decode().strip() == "LOADING"
    time.sleep(0.5)  # the main thread is now waiting for the reading
    run.send_signal(signal.SIGINT)
    start = time.monotonic()
    code_ = run.wait(timeout=60)
    waited = time.monotonic() - start
    err = run.stderr.read().decode("utf-8")
    assert code_ == 130, err
    assert "已中断" in err
    assert waited < 5, waited
