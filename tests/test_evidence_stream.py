"""Large CSV files are read in batches (issue 7); the result must be exactly the whole-file
reading: the same typed frame, the same file list, and for a bad file the same messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import EvidenceError
from checker.evidence import load, stream

HEADER = "编号,责任部门,渠道,收到时间,答复时间"


def _rows(n: int, bad_at: int | None = None) -> list[str]:
    rows = []
    for i in range(n):
        received = f"2022-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}"
        replied = "" if i % 11 == 0 else f"2022/{1 + i % 12}/{1 + i % 28} 17:30"
        if i == bad_at:
            received = "2022-02-30 09:00"
        department = '"指挥处\n（值班室）"' if i % 97 == 0 else ("治安支队", "交警支队", "政治处")[i % 3]
        channel = "网上咨询求助平台" if i % 2 else "12345热线"
        rows.append(f"C{i:06d},{department},{channel},{received},{replied}")
        if i % 500 == 250:
            rows.append(",,,,")  # a blank row: not a record
        if i % 777 == 5:
            rows[-1] = rows[-1].rsplit(",", 1)[0]  # a short row: the last cell is empty
    return rows


def _write(folder: Path, rows: list[str], *, bom: bool = True, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join(["咨询答复台账（2022年）", HEADER, *rows]) + "\n"
    data = text.encode(encoding)
    (folder / "consultations.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return folder


def _both(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object, list[bool]]:
    """(whole-file result, batched result, whether each file was really streamed)."""
    whole = _load(folder)
    monkeypatch.setattr(stream, "STREAM_BYTES", 0)
    monkeypatch.setattr(stream, "BATCH_ROWS", 700)
    streamed: list[bool] = []
    original = stream.stream_csv

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = original(*args, **kwargs)
        streamed.append(result is not None)
        return result

    monkeypatch.setattr(stream, "stream_csv", spy)
    return whole, _load(folder), streamed


def _load(folder: Path) -> object:
    try:
        evidence = load.load_evidence(folder)
    except EvidenceError as exc:
        return exc.problems
    return evidence.frame("consultation"), evidence.files


def test_batches_give_the_whole_file_frame(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _write(tmp_path / "ok", _rows(5000))
    (whole_frame, whole_files), (frame, files), streamed = _both(folder, monkeypatch)  # type: ignore[misc]
    assert streamed == [True]
    assert frame.height == whole_frame.height == 5000
    assert frame.equals(whole_frame)
    assert files == whole_files
    assert whole_files[0].header_row == 2 and whole_files[0].encoding == "UTF-8 (BOM)"
    # Row numbers run on across batches: a record in the sixth batch keeps its own line.
    assert frame.filter(frame["id"] == "C004000").get_column("_row").item() == whole_frame.filter(whole_frame["id"] == "C004000").get_column("_row").item()


def test_a_bad_cell_in_a_late_batch_gives_the_whole_file_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _write(tmp_path / "bad", _rows(5000, bad_at=4321))
    whole, batched, streamed = _both(folder, monkeypatch)
    assert streamed == [False]
    assert isinstance(whole, list) and whole == batched
    assert any("2022-02-30" in p for p in whole)


def test_gbk_and_ragged_files_take_the_whole_file_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gbk = _write(tmp_path / "gbk", _rows(800), bom=False, encoding="gbk")
    whole, batched, streamed = _both(gbk, monkeypatch)
    assert streamed == [False]
    assert whole[0].equals(batched[0])  # type: ignore[index]
    ragged_rows = _rows(2000)
    ragged_rows[1500] += "," * 30 + "多出的单元格"
    ragged = _write(tmp_path / "ragged", ragged_rows)
    monkeypatch.undo()
    whole, batched, streamed = _both(ragged, monkeypatch)
    assert streamed == [False]
    assert isinstance(whole, list) and whole == batched
    assert any("多于表头的 5 列" in p for p in whole)


def test_a_nul_byte_in_a_late_batch_is_refused_as_in_the_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _rows(3000)
    rows[2500] = rows[2500].replace("政治处", "政治\x00处").replace("交警支队", "交警\x00支队").replace("治安支队", "治安\x00支队")
    folder = _write(tmp_path / "nul", rows)
    whole, batched, streamed = _both(folder, monkeypatch)
    assert streamed == [False]
    assert isinstance(whole, list) and whole == batched
    assert any("行：第" in p and "空字符（NUL）" in p for p in whole)


@pytest.mark.parametrize("line_end", ["\r", "\r\n"])
def test_old_mac_line_ends_are_read_like_any_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line_end: str) -> None:
    """CR-only files (old Mac exports) held records the loader called 只有表头."""
    folder = tmp_path / "cr"
    folder.mkdir()
    text = line_end.join(["咨询答复台账（2022年）", HEADER, *(r for r in _rows(300) if "\n" not in r)]) + line_end
    (folder / "consultations.csv").write_bytes(text.encode("utf-8"))
    lf = tmp_path / "lf"
    lf.mkdir()
    (lf / "consultations.csv").write_bytes(text.replace(line_end, "\n").encode("utf-8"))
    expected = _load(lf)[0]  # type: ignore[index]
    whole, batched, streamed = _both(folder, monkeypatch)
    assert streamed == [line_end == "\r\n"]
    assert expected.height > 250 and whole[0].equals(expected) and batched[0].equals(expected)  # type: ignore[index]


def test_a_tab_separated_file_with_a_title_line_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The separator is guessed from the first lines, not from a title line that has none."""
    folder = tmp_path / "tsv"
    folder.mkdir()
    rows = [r.replace(",", "\t") for r in _rows(200) if "\n" not in r]
    (folder / "consultations.csv").write_text("\n".join(["咨询答复台账（2022年）", HEADER.replace(",", "\t"), *rows]) + "\n", encoding="utf-8")
    whole, batched, streamed = _both(folder, monkeypatch)
    assert streamed == [True]
    assert whole[0].height > 190 and whole[0].equals(batched[0])  # type: ignore[index]
    assert set(whole[0].get_column("department").to_list()) >= {"治安支队", "交警支队", "政治处"}  # type: ignore[index]
