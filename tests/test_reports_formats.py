"""Every format through the real `zwgk check`: registered, written atomically, byte-identical."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from checker.reporters import FORMATS, RENDERERS, VIOLATIONS_CSV, write_atomic

FILES = ("report.html", VIOLATIONS_CSV, "report.json", "report.junit.xml", "report.sarif", "report.md")
WAIVER = """\
- rule: {rule}
  reason: 决策承办单位调整，意见采纳情况已在新单位网站公开
  approved_by: 区政务公开办
  document: 松公开〔2023〕3号
  expires: 2023-12-31
"""

def _run(zwgk, evidence: Path, out: Path, *extra: str | Path):  # type: ignore[no-untyped-def]
    return zwgk("check", evidence, "--year", "2022", "--as-of", "2023-03-01", "--out", out, "--quiet", *extra)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo evidence checked twice, with a waiver and an earlier report as baseline."""
    from checker.cli import main
    from checker.demo import build_demo_evidence

    root = tmp_path_factory.mktemp("formats")
    evidence = root / "evidence"
    build_demo_evidence(evidence, year=2022)
    common = ["check", str(evidence), "--year", "2022", "--as-of", "2023-03-01", "--quiet"]
    assert main([*common, "--out", str(root / "last"), "--format", "json"]) in (0, 1)
    last = json.loads((root / "last" / "report.json").read_text(encoding="utf-8"))
    failing = [f["rule_id"] for f in last["findings"] if f["status"] == "fail" and f["violations"]]
    assert len(failing) >= 2, "the demo evidence should fail at least two rules"
    waivers = root / "waivers.yaml"
    waivers.write_text(WAIVER.format(rule=failing[-1]), encoding="utf-8")  # waive one failing rule entirely
    extra = ["--waivers", str(waivers), "--baseline", str(root / "last" / "report.json")]
    for name in ("a", "b"):
        assert main([*common, "--out", str(root / name), *extra]) in (0, 1)
    return root / "a", root / "b"


def test_formats_and_file_names() -> None:
    assert FORMATS == ("html", "json", "junit", "sarif", "md")
    assert {fmt: RENDERERS[fmt][0] for fmt in FORMATS} == {
        "html": "report.html",
        "json": "report.json",
        "junit": "report.junit.xml",
        "sarif": "report.sarif",
        "md": "report.md",
    }


def test_check_writes_every_format_by_default(runs: tuple[Path, Path]) -> None:
    a, _ = runs
    assert sorted(p.name for p in a.iterdir()) == sorted(FILES)


@pytest.mark.parametrize("name", FILES)
def test_two_runs_give_byte_identical_files(runs: tuple[Path, Path], name: str) -> None:
    a, b = runs
    assert (a / name).read_bytes() == (b / name).read_bytes()


def test_violations_csv_only_with_html(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import write_csv

    evidence = tmp_path / "ev"
    write_csv(evidence / "consultations.csv", "id,department,channel,received_at,replied_at", "C-1,指挥处,online_platform,2022-03-01 10:00,2022-03-09 10:00")
    _run(zwgk, evidence, tmp_path / "json", "--format", "json", "--rules", "songjiang-psb-2022")
    assert sorted(p.name for p in (tmp_path / "json").iterdir()) == ["report.json"]
    _run(zwgk, evidence, tmp_path / "html", "--format", "html", "--rules", "songjiang-psb-2022")
    assert sorted(p.name for p in (tmp_path / "html").iterdir()) == ["report.html", VIOLATIONS_CSV]


def test_pages_mention_only_the_files_the_run_writes(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """report.md alone must not send readers to report.html or violations.csv, nor report.html
    alone to report.json: neither file exists beside them."""
    from tests.conftest import write_csv

    evidence = tmp_path / "ev"
    rows = [f"C-{n},指挥处,online_platform,2022-03-01 10:00,2022-03-09 10:00" for n in range(8)]  # 8 late: more than report.md lists
    write_csv(evidence / "consultations.csv", "id,department,channel,received_at,replied_at", *rows)
    _run(zwgk, evidence, tmp_path / "md", "--format", "md", "--rules", "songjiang-psb-2022")
    md = (tmp_path / "md" / "report.md").read_text(encoding="utf-8")
    assert "- …另有 3 条\n" in md
    assert not any(name in md for name in ("report.html", VIOLATIONS_CSV, "report.json"))
    _run(zwgk, evidence, tmp_path / "md+json", "--format", "md", "--format", "json", "--rules", "songjiang-psb-2022")
    md = (tmp_path / "md+json" / "report.md").read_text(encoding="utf-8")
    assert "- …另有 3 条，见 report.json\n" in md and "全部违规记录见 report.json。" in md and "report.html" not in md
    _run(zwgk, evidence, tmp_path / "html", "--format", "html", "--rules", "songjiang-psb-2022")
    html = (tmp_path / "html" / "report.html").read_text(encoding="utf-8")
    assert "report.json" not in html and f'完整违规清单：<a href="{VIOLATIONS_CSV}">{VIOLATIONS_CSV}</a>。' in html
    _run(zwgk, evidence, tmp_path / "all", "--rules", "songjiang-psb-2022")
    assert "- …另有 3 条，见 report.html 或 violations.csv\n" in (tmp_path / "all" / "report.md").read_text(encoding="utf-8")
    assert "机器可读结果：report.json" in (tmp_path / "all" / "report.html").read_text(encoding="utf-8")


def test_junit_points_at_the_full_list_only_when_written() -> None:
    from checker.reporters import render
    from checker.reporters.junit import MAX_LISTED
    from tests.test_reports_html import finding, make_report, violation

    report = make_report([finding("many", [violation(n) for n in range(MAX_LISTED + 1)])])
    assert "；完整清单见 report.json 或 violations.csv" in render("junit", report)
    assert "完整清单见 report.json<" in render("junit", report, formats=("junit", "json"))
    alone = render("junit", report, formats=("junit",))
    assert f"此处列出前 {MAX_LISTED} 条<" in alone and "report.json" not in alone and VIOLATIONS_CSV not in alone


def test_write_atomic_text_and_bytes(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.txt", "第一行\n第二行\n")
    write_atomic(tmp_path / "b.csv", b"\xef\xbb\xbfx\r\n")
    assert (tmp_path / "a.txt").read_bytes() == "第一行\n第二行\n".encode()
    assert (tmp_path / "b.csv").read_bytes() == b"\xef\xbb\xbfx\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.csv"]  # no temporary left behind
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o666 & ~mask  # shareable, not mkstemp's 0600


def test_report_json_is_the_standard_json_encoding_of_the_model() -> None:
    """The fast serializer must write exactly what the standard library would."""
    import json

    from checker.reporters.json_report import render as render_json
    from tests.test_reports_html import hostile_report

    report = hostile_report()
    assert render_json(report) == json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def test_report_json_bytes_are_the_text_encoded(tmp_path: Path) -> None:
    """write_reports writes the serializer's bytes directly: the same file as the text encoded."""
    from checker.reporters import write_reports
    from checker.reporters.json_report import render as render_json
    from checker.reporters.json_report import render_bytes
    from tests.test_reports_html import hostile_report

    report = hostile_report()
    assert render_bytes(report) == render_json(report).encode("utf-8")
    write_reports(report, tmp_path, ["json"])
    assert (tmp_path / "report.json").read_bytes() == render_json(report).encode("utf-8")
