"""Evidence templates and docs/evidence.md: generated from the schema, shipped up to date, and a
filled-in template goes through `zwgk validate` and `zwgk check`."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from checker.errors import UsageError
from checker.evidence.parse import parse_datetime
from checker.evidence.schema import KINDS, FieldSpec, KindSpec
from checker.templates import DOC_PATH, FORMATS, TEMPLATE_DIR, render_evidence_doc, template_bytes, write_templates, xlsx_template

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / TEMPLATE_DIR
REGENERATE = "python -m checker.templates"


def _workbook_contents(data: bytes) -> dict[str, Any]:
    """What a user sees and Excel enforces: cells, validations, formats, frozen panes."""
    wb = load_workbook(io.BytesIO(data))
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": [[c.value for c in row] for row in ws.iter_rows()],
            "validations": [
                (str(v.sqref), v.type, v.formula1, v.formula2, v.errorStyle, v.error, v.prompt, v.promptTitle) for v in ws.data_validations.dataValidation
            ],
            "formats": {k: d.number_format for k, d in sorted(ws.column_dimensions.items())},
            "freeze": ws.freeze_panes,
            "fills": [c.fill.fgColor.rgb for c in ws[1]] if ws.max_row else [],
        }
    out["_properties"] = (wb.properties.creator, wb.properties.created, wb.properties.title)
    return out


# --------------------------------------------------------------------------- shipped copies
def test_shipped_templates_are_exactly_the_generated_set() -> None:
    expected = {f"{spec.stem}.{fmt}" for spec in KINDS.values() for fmt in FORMATS}
    assert {p.name for p in SHIPPED.iterdir()} == expected, f"重新生成：{REGENERATE}"


@pytest.mark.parametrize("stem", [spec.stem for spec in KINDS.values()])
def test_shipped_templates_are_up_to_date(stem: str) -> None:
    spec = next(s for s in KINDS.values() if s.stem == stem)
    assert (SHIPPED / f"{stem}.csv").read_bytes() == template_bytes(spec, "csv"), f"模板已过期，请运行 {REGENERATE}"
    assert (SHIPPED / f"{stem}.yaml").read_bytes() == template_bytes(spec, "yaml"), f"模板已过期，请运行 {REGENERATE}"
    shipped = _workbook_contents((SHIPPED / f"{stem}.xlsx").read_bytes())
    assert shipped == _workbook_contents(xlsx_template(spec)), f"模板已过期，请运行 {REGENERATE}"


def test_xlsx_templates_are_byte_for_byte_reproducible() -> None:
    spec = KINDS["foi_request"]
    assert xlsx_template(spec) == xlsx_template(spec)


def test_docs_evidence_md_is_generated_from_the_schema() -> None:
    assert (REPO / DOC_PATH).read_text(encoding="utf-8") == render_evidence_doc(), f"docs/evidence.md 已过期，请运行 {REGENERATE}"


def test_docs_cover_every_field_of_every_kind() -> None:
    doc = render_evidence_doc()
    for spec in KINDS.values():
        assert f"### {spec.label}（{spec.name}）" in doc
        for f in spec.fields:
            assert f"| `{f.name}` | {f.label} |" in doc or f"| `{f.name}` | {f.label}（也可写作 " in doc
            for value, label in f.values:
                assert f"{label}（{value}）" in doc


# --------------------------------------------------------------------------- what a template holds
def test_xlsx_template_layout() -> None:
    contents = _workbook_contents(xlsx_template(KINDS["consultation"]))
    data = contents["咨询答复台账"]
    assert data["cells"] == [["编号", "责任部门", "渠道", "收到时间", "答复时间"]]  # headers only
    assert data["freeze"] == "A2"
    assert data["formats"] == {"A": "@", "B": "@", "C": "@", "D": "yyyy-mm-dd hh:mm", "E": "yyyy-mm-dd hh:mm"}
    assert data["fills"] == ["00FCE4D6"] * 4 + ["00FFF2CC"]  # required orange, keep-the-column yellow
    channel = next(v for v in data["validations"] if v[0] == "C2:C1048576")
    assert channel[1:5] == ("list", '"网上咨询求助平台,12345热线,领导信箱,网站留言"', None, "warning")
    received = next(v for v in data["validations"] if v[0] == "D2:D1048576")
    assert received[1] == "date"
    notes = contents["填写说明"]["cells"]
    assert notes[0][0] == "咨询答复台账（consultations）填写说明"
    header_at = next(i for i, row in enumerate(notes) if row[0] == "列名（表头）")
    assert notes[header_at] == ["列名（表头）", "字段名", "是否必填", "类型", "可选值", "示例", "说明"]
    assert notes[header_at + 3] == [
        "渠道", "channel", "必填", "选项",
        "网上咨询求助平台（online_platform）、12345热线（hotline_12345）、领导信箱（mailbox）、网站留言（website）",
        "网上咨询求助平台", "咨询来源渠道",
    ]  # fmt: skip


def test_bool_fields_get_a_yes_no_dropdown() -> None:
    data = _workbook_contents(xlsx_template(KINDS["foi_request"]))["依申请公开台账"]
    extended = next(v for v in data["validations"] if v[0] == "G2:G1048576")
    assert extended[1:3] == ("list", '"是,否"')


def test_csv_template_is_a_bom_header_line() -> None:
    assert template_bytes(KINDS["activity"], "csv") == "\ufeff编号,责任部门,类型,日期,名称,备注\r\n".encode()


def test_unfilled_templates_in_an_evidence_folder_are_reported(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_templates(tmp_path / "ev", ["consultations"], ["xlsx", "csv", "yaml"])
    result = zwgk("validate", tmp_path / "ev")
    assert result.code == 2
    assert result.err.splitlines() == [
        "错误：consultations.csv：只有表头，没有记录（未填写的模板请移出台账目录）",
        "错误：consultations.xlsx [咨询答复台账]：只有表头，没有记录（未填写的模板请移出台账目录）",
        "错误：consultations.yaml：文件中没有记录（未填写的模板请移出台账目录）",
    ]


# --------------------------------------------------------------------------- write_templates
def test_write_templates_selects_kinds_by_any_name_and_formats(tmp_path: Path) -> None:
    written = write_templates(tmp_path, ["consultation", "政策解读台账", "facts", "facts"], ["csv", "xlsx"])
    assert [p.name for p in written] == [
        "consultations.csv", "consultations.xlsx", "interpretations.csv", "interpretations.xlsx", "facts.csv", "facts.xlsx",
    ]  # fmt: skip
    assert len(write_templates(tmp_path / "all", None, [])) == len(KINDS) * len(FORMATS)


def test_write_templates_refuses_unknown_kinds_and_formats(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        write_templates(tmp_path, ["咨询", "consultations"], ["csv"])
    assert caught.value.problems[0].startswith("未知的台账类型 “咨询”（可选：consultations（咨询答复台账）、")
    with pytest.raises(UsageError) as caught:
        write_templates(tmp_path, None, ["xls", "csv"])
    assert caught.value.problems == ["未知的模板格式 “xls”（可选：xlsx、csv、yaml）"]


# --------------------------------------------------------------------------- round trip
def _typed_example(f: FieldSpec) -> object:
    """The example as a spreadsheet cell: real date cells, numbers as numbers."""
    import polars as pl

    text = f.example_value
    if not text:
        return None
    if f.type in ("date", "datetime"):
        moment = pl.select(parse_datetime(pl.lit(text, dtype=pl.String))).item()
        return moment.date() if f.type == "date" else moment
    if f.type in ("year", "int"):
        return int(text)
    if f.type == "float":
        return float(text)
    return text


def _fill(spec: KindSpec, folder: Path) -> None:
    """Fill each format's template with one record, ids X-/C-/Y- so they do not collide."""
    write_templates(folder, [spec.name], list(FORMATS))
    xlsx = folder / f"{spec.stem}.xlsx"
    wb = load_workbook(xlsx)
    ws = wb[spec.label]
    for column, f in enumerate(spec.fields, start=1):
        value = _typed_example(f)
        ws.cell(row=2, column=column, value=f"X-{value}" if f.name == "id" else value)
    wb.save(xlsx)
    csv_path = folder / f"{spec.stem}.csv"
    row = ",".join(f"C-{f.example_value}" if f.name == "id" else f.example_value for f in spec.fields)
    csv_path.write_bytes(csv_path.read_bytes() + (row + "\r\n").encode())
    yaml_path = folder / f"{spec.stem}.yaml"
    lines = yaml_path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# 示例")) + 1
    record = [line[2:] for line in lines[start:]]
    record = [line.replace("id: ", "id: Y-", 1) if line.lstrip("- ").startswith("id: ") else line for line in record]
    yaml_path.write_text("\n".join([*lines[:start], *record]) + "\n", encoding="utf-8")


@pytest.mark.parametrize("kind", list(KINDS))
def test_filled_templates_validate_and_check(zwgk, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    spec = KINDS[kind]
    _fill(spec, tmp_path / "ev")
    result = zwgk("validate", tmp_path / "ev")
    assert (result.code, result.err) == (0, ""), result.err
    assert result.out.splitlines() == [
        "校验通过：3 个表，3 条记录。",
        f"  {spec.stem}.csv：{kind}，1 条，UTF-8 (BOM)",
        f"  {spec.stem}.xlsx [{spec.label}]：{kind}，1 条",
        f"  {spec.stem}.yaml：{kind}，1 条，UTF-8",
    ]
    from checker.evidence.load import load_evidence

    frame = load_evidence(tmp_path / "ev").frame(kind).sort("_file")
    reference = frame.drop("_file", "_sheet", "_row", *(["id"] if "id" in frame.columns else [])).to_dicts()
    assert reference[0] == reference[1] == reference[2]  # the three formats read alike
    checked = zwgk("check", tmp_path / "ev", "--year", "2022", "--as-of", "2023-03-01", "--format", "json", "--out", tmp_path / "out")
    assert checked.code in (0, 1), checked.err
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert kind not in report["summary"]["kinds_without_evidence"]
    assert [e["kind"] for e in report["summary"]["evidence"]] == [kind] * 3


def test_example_values_are_dated_in_the_example_year() -> None:
    for spec in KINDS.values():
        for f in spec.fields:
            if f.type in ("date", "datetime"):
                assert f.example_value.startswith("2022-"), (spec.name, f.name)
    assert dt.date.fromisoformat(KINDS["publication"].field("published_at").example_value) <= dt.date(2022, 1, 31)


# --------------------------------------------------------------------------- CLI
def test_template_command_writes_the_kinds_asked_for(zwgk, tmp_path: Path) -> None:
    out = tmp_path / "模板"
    result = zwgk("template", "consultation", "政策解读台账", "--format", "csv", "--format", "xlsx", "--out", str(out))
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["consultations.csv", "consultations.xlsx", "interpretations.csv", "interpretations.xlsx"]
    assert (out / "consultations.csv").read_bytes() == template_bytes(KINDS["consultation"], "csv")
    assert f"模板：{out / 'consultations.csv'}" in result.out
    again = zwgk("template", "consultations", "--format", "csv", "--format", "csv", "--out", str(tmp_path / "again"))
    assert again.out.count("模板：") == 1, "a format asked twice is written once"


def test_template_command_never_replaces_a_filled_ledger(zwgk, tmp_path: Path) -> None:
    filled = tmp_path / "consultations.csv"
    filled.write_bytes(b"id,channel\nZX-1,online_platform\n")
    result = zwgk("template", "consultation", "--out", str(tmp_path))
    assert result.code == 2
    assert "已存在" in result.err and str(filled) in result.err and "--force" in result.err
    assert filled.read_bytes() == b"id,channel\nZX-1,online_platform\n"
    assert not (tmp_path / "consultations.xlsx").exists()  # all or nothing
    assert zwgk("template", "consultation", "--out", str(tmp_path), "--force").code == 0
    assert filled.read_bytes() == template_bytes(KINDS["consultation"], "csv")


def test_date_cells_typed_as_text_are_allowed_by_the_template() -> None:
    """2022.3.5 is a date to the checker but text to Excel: the template's warning (not a stop)
    must say it may be kept, since the notes sheet lists it as allowed."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx_template(KINDS["consultation"])))
    dates = [v for ws in wb.worksheets for v in ws.data_validations.dataValidation if v.type == "date"]
    assert dates and all(v.errorStyle == "warning" and "2022.3.5" in v.error and "点“是”即可保留" in v.error for v in dates)
