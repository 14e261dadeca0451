"""report.junit.xml read back by junitparser (what CI servers use): counts match report.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml, Skipped

from checker.reporters import render
from tests.test_reports_formats import runs  # noqa: F401  (module fixture: the demo checked with waivers and baseline)
from tests.test_reports_html import SCRIPT, hostile_report

SKIPPED = ("pending", "not_applicable", "waived")


def _cases(xml: JUnitXml) -> dict[str, object]:
    return {case.name.split(" ", 1)[0]: case for suite in xml for case in suite}


def test_counts_match_report_json(runs: tuple[Path, Path]) -> None:  # noqa: F811
    out, _ = runs
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    xml = JUnitXml.fromfile(str(out / "report.junit.xml"))
    by_status = report["summary"]["by_status"]
    assert xml.tests == report["summary"]["findings"]
    assert xml.failures == by_status["fail"]
    assert xml.skipped == sum(by_status[s] for s in SKIPPED)
    assert xml.errors == 0
    packs = sorted({f["pack"] for f in report["findings"]})
    assert sorted(suite.name for suite in xml) == packs
    for suite in xml:
        findings = [f for f in report["findings"] if f["pack"] == suite.name]
        assert suite.tests == len(findings) == len(list(suite))
        assert suite.failures == sum(1 for f in findings if f["status"] == "fail")
        assert suite.skipped == sum(1 for f in findings if f["status"] in SKIPPED)

    cases = _cases(xml)
    assert set(cases) == {f["rule_id"] for f in report["findings"]}
    assert by_status["waived"] >= 1  # the waiver in the fixture turned a failing rule into waived
    for f in report["findings"]:
        case = cases[f["rule_id"]]
        results = case.result  # type: ignore[attr-defined]
        if f["status"] == "fail":
            assert len(results) == 1 and isinstance(results[0], Failure)
            assert results[0].type == f["severity"]
            open_violations = [v for v in f["violations"] if not v["waived"]]
            assert f"{len(open_violations)} 条违规" in results[0].message
            for v in open_violations[:20]:
                assert v["message"] in results[0].text
        elif f["status"] in SKIPPED:
            assert len(results) == 1 and isinstance(results[0], Skipped)
            assert results[0].message
        else:
            assert results == []
        assert f["source"]["quote"] in case.system_out  # type: ignore[attr-defined]


def test_hostile_text_stays_well_formed_xml(tmp_path: Path) -> None:
    path = tmp_path / "report.junit.xml"
    path.write_text(render("junit", hostile_report()), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    cases = _cases(xml)
    failure = cases["test-pack/hostile"].result[0]  # type: ignore[attr-defined]
    assert SCRIPT in failure.text  # escaped in the file, the same text when read back
    assert "+已批准" not in failure.text  # the waived violation is not a failure
    assert isinstance(cases["test-pack/later"].result[0], Skipped)  # type: ignore[attr-defined]
    assert "待到期" in cases["test-pack/later"].result[0].message  # type: ignore[attr-defined]
    assert "不适用" in cases["test-pack/no-ledger"].result[0].message  # type: ignore[attr-defined]


def test_control_characters_cannot_break_the_xml(tmp_path: Path) -> None:
    from tests.test_reports_html import finding, make_report, violation

    report = make_report([finding("ctl", [violation(1, message="bell\x07 and nul\x00 end")])])
    path = tmp_path / "report.junit.xml"
    path.write_text(render("junit", report), encoding="utf-8")
    text = JUnitXml.fromfile(str(path))
    assert "bell\ufffd and nul\ufffd end" in next(iter(next(iter(text)))).result[0].text


@pytest.mark.parametrize("status", ["pending", "not_applicable", "waived"])
def test_skipped_statuses(status: str) -> None:
    from tests.test_reports_html import finding, make_report

    xml = render("junit", make_report([finding("x", [], status=status)]))
    assert "<skipped message=" in xml and "<failure" not in xml
