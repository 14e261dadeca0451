"""report.sarif validated against the official SARIF 2.1.0 JSON schema.

tests/schemas/sarif-schema-2.1.0.json is Microsoft's SARIF SDK copy of the OASIS SARIF 2.1.0
schema, taken unmodified from the npm package @microsoft/sarif-multitool-linux 5.7.0
(file package/sarif-2.1.0.json, MIT licence; title "Static Analysis Results Format (SARIF)
Version 2.1.0 JSON Schema"; sha256 1c49a0f2b60444c71bb14878e21e0d882198eff4c539861b133093ad89ed798c),
the schema the official `sarif-multitool validate` uses. Fetched with
`npm pack @microsoft/sarif-multitool-linux@5.7.0` and extracted; see tests/schemas/README.md.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from checker.reporters import render
from tests.test_reports_formats import runs  # noqa: F401  (module fixture: the demo checked with waivers and baseline)
from tests.test_reports_html import SCRIPT, hostile_report

SCHEMA_PATH = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "1c49a0f2b60444c71bb14878e21e0d882198eff4c539861b133093ad89ed798c"


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    raw = SCHEMA_PATH.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256, "the shipped SARIF schema was modified"
    schema = json.loads(raw)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)  # type: ignore[no-any-return]


def _errors(validator: jsonschema.protocols.Validator, log: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


def test_demo_sarif_is_valid_and_complete(runs: tuple[Path, Path], validator: jsonschema.protocols.Validator) -> None:  # noqa: F811
    out, _ = runs
    log = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
    assert _errors(validator, log) == []
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [f["rule_id"] for f in report["findings"]]
    for rule, f in zip(rules, report["findings"], strict=True):
        assert rule["shortDescription"]["text"] == f["title"]
        assert rule["properties"]["source"] == f["source"]
        assert f["source"]["quote"] in rule["help"]["text"] and f["source"]["clause"] in rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] == {"critical": "error", "major": "error", "minor": "warning"}[f["severity"]]

    expected = [(f["rule_id"], v) for f in report["findings"] if f["status"] in ("fail", "waived") for v in f["violations"]]
    results = run["results"]
    assert len(results) == len(expected) > 0
    suppressed = 0
    for result, (rule_id, v) in zip(results, expected, strict=True):
        assert result["ruleId"] == rule_id
        assert rules[result["ruleIndex"]]["id"] == rule_id
        assert result["message"]["text"] == v["message"]
        if v["file"] is None:  # e.g. a period with no record at all: nothing to point at
            assert all("physicalLocation" not in loc for loc in result.get("locations", []))
        else:
            physical = result["locations"][0]["physicalLocation"]
            assert unquote(physical["artifactLocation"]["uri"]) == v["file"]
            assert physical["artifactLocation"]["uriBaseId"] == "EVIDENCE"
            assert physical.get("region", {}).get("startLine") == v["row"]
        assert bool(result["suppressions"]) == v["waived"]  # ([] on the others: all results or none carry it)
        suppressed += v["waived"]
        assert result["baselineState"] in ("new", "unchanged")
    assert suppressed == report["summary"]["waived_violations"] > 0
    # artifact encodings are IANA charset names; a BOM is noted beside
    encodings = {a["location"]["uri"]: (a.get("encoding"), a["properties"].get("bom", False)) for a in run["artifacts"]}
    assert set(encodings.values()) >= {("UTF-8", True), ("GBK", False)}
    assert all(e in (None, "UTF-8", "UTF-16", "GBK", "GB18030") for e, _ in encodings.values())
    fingerprints = [r["partialFingerprints"]["zwgkViolationKey/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints), "each violation has its own fingerprint"


def test_hostile_sarif_is_valid(validator: jsonschema.protocols.Validator) -> None:
    log = json.loads(render("sarif", hostile_report()))
    assert _errors(validator, log) == []
    results = log["runs"][0]["results"]
    assert results[0]["properties"]["record_id"] == SCRIPT  # JSON carries text, nothing to escape
    workbook = results[2]["locations"][0]
    assert workbook["physicalLocation"]["artifactLocation"]["uri"] == "%E5%8F%B0%E8%B4%A6%20%3Cb%3E.xlsx"
    assert workbook["physicalLocation"]["region"] == {"startLine": 7}
    assert workbook["message"]["text"] == "工作表“表\"1\"”第 7 行"
    assert "logicalLocations" not in workbook  # no department
    assert results[2]["suppressions"][0]["justification"] == "+已批准 松公开〔2023〕3号"
    assert [r["level"] for r in results] == ["error"] * 4


def test_minor_is_a_warning_and_a_failure_without_records_still_shows(validator: jsonschema.protocols.Validator) -> None:
    from tests.test_reports_html import finding, make_report

    report = make_report([finding("minor", [], severity="minor", measured={"window": "2022-01-01..2022-10-31", "min": 1, "count": 0})])
    log = json.loads(render("sarif", report))
    assert _errors(validator, log) == []
    (result,) = log["runs"][0]["results"]
    assert result["level"] == "warning" and "locations" not in result
    assert "实际 0 次，要求不少于 1 次" in result["message"]["text"]
