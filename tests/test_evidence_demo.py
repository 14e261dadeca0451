"""The demo evidence: deterministic, realistic in form, and a report with every kind of outcome."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from checker.calendar import default_calendar
from checker.demo import DEPARTMENTS, build_demo_evidence
from checker.evidence.load import EvidenceSet, load_evidence
from checker.evidence.schema import KINDS


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_evidence(tmp_path_factory.mktemp("demo") / "evidence")


@pytest.fixture(scope="module")
def demo(demo_dir: Path) -> EvidenceSet:
    return load_evidence(demo_dir)


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_other_seed_other_data(demo_dir: Path, tmp_path: Path) -> None:
    assert _bytes(build_demo_evidence(tmp_path / "again")) == _bytes(demo_dir)
    other = _bytes(build_demo_evidence(tmp_path / "other", seed=7))
    assert other.keys() == _bytes(demo_dir).keys()
    assert other["emergencies.csv"] != _bytes(demo_dir)["emergencies.csv"]


def test_files_come_in_the_forms_offices_keep_them(demo: EvidenceSet) -> None:
    forms = {(f.file, f.sheet, f.kind, f.encoding) for f in demo.files}
    assert ("foi_requests.xlsx", "依申请公开台账", "foi_request", None) in forms
    assert ("政策文件与解读.xlsx", "政策文件台账", "policy_document", None) in forms
    assert ("政策文件与解读.xlsx", "政策解读台账", "interpretation", None) in forms
    assert ("emergencies.csv", None, "emergency", "GBK") in forms
    assert ("facts.csv", None, "fact", "UTF-8") in forms
    consultation_files = {f.file: f.encoding for f in demo.files if f.kind == "consultation"}
    assert set(consultation_files) == {f"consultations_{d.name}.csv" for d in DEPARTMENTS}
    assert set(consultation_files.values()) == {"GBK", "UTF-8 (BOM)"}
    assert demo.ignored == ["说明.txt"]
    assert 8 <= len(demo.departments()) <= 12


def test_hundreds_of_records_and_every_field_filled_somewhere(demo: EvidenceSet) -> None:
    for kind, spec in KINDS.items():
        if kind == "task":
            # The 2022 Songjiang table's own rows, filled in: mostly done, a few not.
            tasks = demo.frame(kind)
            assert tasks.height == 37
            done = tasks.get_column("completed_at").is_not_null().sum()
            assert 30 <= done < 37
            continue
        frame = demo.frame(kind)
        assert frame.height >= 100, kind
        for f in spec.fields:
            assert frame.get_column(f.name).null_count() < frame.height, (kind, f.name)


def test_chinese_labels_and_typed_spellings_in_the_cells(demo_dir: Path) -> None:
    gbk = (demo_dir / "consultations_交警支队.csv").read_bytes().decode("gbk")
    assert gbk.startswith("编号,责任部门,渠道,收到时间,答复时间\r\n")
    assert "网上咨询求助平台" in gbk and "/" in gbk.splitlines()[1]
    assert "时" in (demo_dir / "consultations_刑侦支队.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert "政府信息公开工作年度报告" in (demo_dir / "publications.csv").read_bytes().decode("gbk")


def test_make_up_days_and_holidays_are_in_the_data(demo: EvidenceSet) -> None:
    cal = default_calendar()
    received = demo.frame("consultation").get_column("received_at").dt.date().unique().to_list()
    makeup = [d for d in received if d.weekday() >= 5 and cal.is_workday(d)]
    holidays = [d for d in received if d.weekday() < 5 and not cal.is_workday(d)]
    assert dt.date(2022, 10, 8) in makeup and len(makeup) >= 5
    assert len(holidays) >= 5


def test_rows_scales_the_consultations(tmp_path: Path) -> None:
    evidence = load_evidence(build_demo_evidence(tmp_path / "big", rows=1000))
    assert evidence.frame("consultation").height == 1000


def test_zwgk_demo_shows_failing_and_passing_departments(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # How long it takes is measured by bench/bench_demo.py, not here.
    result = zwgk("demo", "--out", tmp_path / "demo")
    assert (result.code, result.err) == (0, ""), result.err
    report = json.loads((tmp_path / "demo" / "report.json").read_text(encoding="utf-8"))
    statuses = {f["status"] for f in report["findings"]}
    assert {"fail", "pass"} <= statuses
    reply = next(f for f in report["findings"] if f["rule_id"] == "songjiang-psb-2022/consultation-reply-1wd")
    failing = {v["department"] for v in reply["violations"]}
    passing = set(report["summary"]["departments"]) - failing
    assert len(failing) >= 3 and len(passing) >= 3
    # The DESIGN.md case: received on the make-up Saturday, due the make-up Sunday, answered Tuesday.
    assert any("收到时间 2022-10-08 11:00，应不晚于 2022-10-09" in v["message"] for v in reply["violations"])


FOI_PACK = """\
pack: {id: demo-foi, title: 依申请公开答复期限, issuer: 测试, year: 2022, source_file: x.txt}
rules:
  - id: demo-foi/reply-20wd
    title: 20个工作日内答复，补正重新起算，征求第三方意见期间不计，经批准并告知可延长20个工作日
    severity: major
    kind: foi_request
    check:
      type: deadline
      start: received_at
      restart: corrected_at
      end: replied_at
      within: {working_days: 20}
      exclude: [[third_party_from, third_party_to]]
      extension: {}
    source: {file: x.txt, clause: 二十三, quote: 二十个工作日}
  - id: demo-foi/legal-basis
    title: 不予公开须说明依据
    severity: major
    kind: foi_request
    where: {outcome: [withheld, partial]}
    check: {type: required, fields: [legal_basis]}
    source: {file: x.txt, clause: 三十六, quote: 说明理由}
"""


def test_foi_requests_are_pending_in_several_departments(zwgk, demo_dir: Path, demo: EvidenceSet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "foi.yaml").write_text(FOI_PACK, encoding="utf-8")
    out = tmp_path / "out"
    result = zwgk("check", demo_dir, "--rules", tmp_path / "foi.yaml", "--year", "2022", "--as-of", "2023-03-01", "--format", "json", "--out", out)
    assert result.code == 1, result.err
    findings = {f["rule_id"]: f for f in json.loads((out / "report.json").read_text(encoding="utf-8"))["findings"]}
    reply = findings["demo-foi/reply-20wd"]
    assert reply["status"] == "pending"
    assert (reply["measured"]["late"], reply["measured"]["overdue"], reply["measured"]["pending"]) == (0, 0, 4)
    open_requests = demo.frame("foi_request").filter(pl.col("replied_at").is_null())
    assert open_requests.get_column("department").n_unique() >= 3
    assert findings["demo-foi/legal-basis"]["status"] == "fail"
