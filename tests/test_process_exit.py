"""The `zwgk` program ends without tearing the interpreter down (checker.cli.end_process): its
output, exit code and exit handlers must be exactly those of a normal exit."""

from __future__ import annotations

import os
import subprocess
import sys
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


def test_a_reader_that_goes_away_is_no_error(tmp_path: Path) -> None:
    """`zwgk rules list | head -1`: no traceback or 'Exception ignored' message."""
    code = f"import sys; sys.path.insert(0, {str(REPO)!r}); from checker.cli import main; main()"
    reader = subprocess.Popen([sys.executable, "-c", code, "rules", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # gone before anything is written
    err = reader.stderr.read().decode("utf-8")
    reader.wait(timeout=120)
    assert "Traceback" not in err and "Exception ignored" not in err
