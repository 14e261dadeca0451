"""`zwgk check` reads the evidence on a second thread while it sets up (checker.cli.loading):
errors keep their order, a failed set-up stops the reading, and nothing outlives the command."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.conftest import write_csv

HEADER = "id,department,channel,received_at,replied_at"
BAD_DATE = "2022-13-40 16:00"


@pytest.fixture
def bad_evidence(tmp_path: Path) -> Path:
    write_csv(tmp_path / "ev" / "consultations.csv", HEADER, f"C-1,指挥处,online_platform,{BAD_DATE},2022-10-08 10:00")
    return tmp_path / "ev"


def _loaders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "zwgk-load"]


def test_evidence_errors_come_from_the_loading_thread(zwgk, bad_evidence: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = zwgk("check", bad_evidence, "--out", tmp_path / "out", "--format", "json")
    assert result.code == 2
    assert f"consultations.csv 第2行 D列（收到时间）：无法识别的日期 “{BAD_DATE}”" in result.err
    assert not (tmp_path / "out" / "report.json").exists()
    assert not _loaders()


def test_a_rule_pack_error_is_reported_not_the_evidence_read_meanwhile(zwgk, bad_evidence: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = zwgk("check", bad_evidence, "--rules", "no-such-pack", "--out", tmp_path / "out")
    assert result.code == 2
    assert "未知的规则包 “no-such-pack”" in result.err
    assert BAD_DATE not in result.err  # the set-up's error, as when the packs were loaded first
    assert not _loaders()


def test_an_output_folder_error_is_reported_not_the_evidence_read_meanwhile(zwgk, bad_evidence: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "out" / "report.json").mkdir(parents=True)
    result = zwgk("check", bad_evidence, "--out", tmp_path / "out", "--format", "json")
    assert result.code == 2
    assert "已有同名的文件夹 report.json" in result.err
    assert BAD_DATE not in result.err
    assert not _loaders()


def test_a_failed_set_up_stops_the_reading_and_waits_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.cli import loading
    from checker.evidence import load
    from checker.progress import NO_PROGRESS

    seen: dict[str, object] = {}

    def slow_load(path: Path, progress: object, *, stop: threading.Event) -> object:
        seen["started"] = True
        seen["stopped"] = stop.wait(30)  # a long read, interrupted between files
        raise load.LoadStopped

    monkeypatch.setattr(load, "load_evidence", slow_load)
    start = time.monotonic()
    with pytest.raises(ValueError, match="set-up failed"), loading(Path("."), NO_PROGRESS):
        while "started" not in seen:
            time.sleep(0.001)
        raise ValueError("set-up failed")
    assert seen["stopped"] is True
    assert time.monotonic() - start < 10
    assert not _loaders()  # waited for: no reading outlives the command


def test_the_records_are_what_loading_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.cli import loading
    from checker.errors import EvidenceError
    from checker.evidence import load
    from checker.progress import NO_PROGRESS

    sentinel = object()
    monkeypatch.setattr(load, "load_evidence", lambda path, progress, *, stop: sentinel)
    with loading(Path("."), NO_PROGRESS) as records:
        assert records() is sentinel

    def failing(path: Path, progress: object, *, stop: threading.Event) -> object:
        raise EvidenceError(["甲", "乙"])

    monkeypatch.setattr(load, "load_evidence", failing)
    with loading(Path("."), NO_PROGRESS) as records, pytest.raises(EvidenceError) as caught:
        records()
    assert caught.value.problems == ["甲", "乙"]


def test_load_evidence_stops_before_the_next_file(tmp_path: Path) -> None:
    from checker.evidence.load import LoadStopped, load_evidence

    write_csv(tmp_path / "consultations.csv", HEADER, "C-1,指挥处,online_platform,2022-10-08 10:00,2022-10-08 11:00")
    stop = threading.Event()
    assert load_evidence(tmp_path, stop=stop).frame("consultation").height == 1
    stop.set()
    with pytest.raises(LoadStopped):
        load_evidence(tmp_path, stop=stop)


def test_a_large_csv_stops_between_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.evidence import stream
    from checker.evidence.load import LoadStopped

    rows = [f"C-{n},指挥处,online_platform,2022-10-08 10:00,2022-10-08 11:00" for n in range(50)]
    path = write_csv(tmp_path / "consultations.csv", HEADER, *rows)
    monkeypatch.setattr(stream, "BATCH_ROWS", 10)
    stop = threading.Event()
    streamed = stream.stream_csv(path, "consultations.csv", "consultation", stop)
    assert streamed is not None and streamed[1].height == 50
    stop.set()
    with pytest.raises(LoadStopped):
        stream.stream_csv(path, "consultations.csv", "consultation", stop)


def test_a_failed_set_up_does_not_wait_long_for_a_read_that_cannot_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    """One large workbook is read in one call: the set-up's error comes after STOP_WAIT, not after it."""
    import checker.cli
    from checker.cli import loading
    from checker.evidence import load
    from checker.progress import NO_PROGRESS

    release = threading.Event()

    def stubborn_load(path: Path, progress: object, *, stop: threading.Event) -> object:
        release.wait(30)  # ignores `stop`, as a reader inside one native call does
        return object()

    monkeypatch.setattr(load, "load_evidence", stubborn_load)
    monkeypatch.setattr(checker.cli, "STOP_WAIT", 0.2)
    start = time.monotonic()
    try:
        with pytest.raises(ValueError, match="set-up failed"), loading(Path("."), NO_PROGRESS):
            raise ValueError("set-up failed")
        assert time.monotonic() - start < 5
        assert all(t.daemon for t in _loaders())  # never keeps the program from ending
    finally:
        release.set()
        for thread in _loaders():
            thread.join(10)
