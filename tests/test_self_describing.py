"""findings.json describes itself: saved reports re-render from the file alone, whatever the data installed later."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

import scanner.data
from scanner import mappings, rules
from scanner.models import SCHEMA_VERSION
from scanner.reports.json_report import SCHEMA_ID, json_schema
from tests.support import run_cli

ROOT = Path(__file__).resolve().parents[1]
RENDERED = ("sarif", "html", "markdown", "controls", "controls-md")
FILES = ("findings.sarif", "findings.html", "findings.md", "controls.json", "controls.md")


def _clear_data_caches() -> None:
    rules._bundled_rules.cache_clear()
    mappings.catalogues.cache_clear()
    mappings.rule_maps.cache_clear()


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """The bundled rules and mappings, copied where a test may edit them; the scanner reads this copy."""
    data = tmp_path / "data"
    for name in ("rules", "mappings", "reports"):
        shutil.copytree(ROOT / name, data / name)
    monkeypatch.setattr(scanner.data, "_BUNDLED", data)
    _clear_data_caches()
    yield data
    _clear_data_caches()


def _edit_yaml(path: Path, change) -> None:
    document = yaml.safe_load(path.read_text())
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def test_reports_rerender_identically_after_rule_and_mapping_files_change(data_copy, monkeypatch, capsys, tmp_path):
    scan_dir, again = tmp_path / "scan", tmp_path / "again"
    formats = [arg for name in ("json", *RENDERED) for arg in ("--format", name)]
    code, _, _ = run_cli(monkeypatch, capsys, "demo", "--quiet", *formats, "--output-dir", str(scan_dir))
    assert code == 0

    rule_id = "aws.s3.bucket_policy_not_public"

    def reword_rule(document: dict) -> None:
        document.update(title="Renamed after the scan", rationale="Changed.", severity="low")
        document["remediation"]["text"] = "Changed remediation."

    def remap(document: dict) -> None:
        document["rules"][rule_id] = [
            {"framework": "iso27017", "control": "5.1.1", "responsibility": "provider", "rationale": "Changed."}
        ]

    def retitle(document: dict) -> None:
        document["controls"][0]["title"] = "Retitled after the scan"

    _edit_yaml(data_copy / "rules" / "aws" / "s3" / "bucket_policy_not_public.yaml", reword_rule)
    mapping_file = next(
        path for path in (data_copy / "mappings" / "rules").rglob("*.yaml") if rule_id in path.read_text()
    )
    _edit_yaml(mapping_file, remap)
    _edit_yaml(data_copy / "mappings" / "catalogues" / "iso27017.yaml", retitle)
    _clear_data_caches()
    assert rules.load_rules() and next(r for r in rules.load_rules() if r.id == rule_id).title.startswith("Renamed")

    rerender = [arg for name in RENDERED if not name.startswith("controls") for arg in ("--format", name)]
    code, _, err = run_cli(
        monkeypatch, capsys, "report", str(scan_dir / "findings.json"), *rerender, "--output-dir", str(again)
    )
    assert code == 0, err
    code, _, err = run_cli(
        monkeypatch, capsys, "controls", "--from", str(scan_dir / "findings.json"), "--output-dir", str(again)
    )
    assert code == 0, err
    for name in FILES:
        assert (again / name).read_bytes() == (scan_dir / name).read_bytes(), f"{name} changed on re-render"
    assert "Renamed after the scan" not in (again / "findings.sarif").read_text()


def test_findings_carry_rule_metadata_and_mappings(demo_result):
    ran = {record.id: record for record in demo_result.rules}
    assert set(ran) == set(demo_result.scan.rule_ids)
    record = ran["aws.s3.bucket_policy_not_public"]
    assert record.rationale and record.remediation.text and record.severity
    finding = next(f for f in demo_result.findings if f.rule_id == record.id)
    assert {(c.framework, c.control) for c in record.controls} == {(c.framework, c.id) for c in finding.controls}
    assert {catalogue.framework for catalogue in demo_result.catalogues} == {"iso27017", "iso27018"}


def test_schema_has_an_id_naming_its_major_version():
    schema = json_schema()
    assert schema["$id"] == SCHEMA_ID and SCHEMA_ID.endswith(f":{SCHEMA_VERSION.split('.')[0]}")
    assert schema["properties"]["schema_version"]["default"] == SCHEMA_VERSION


def _saved(demo_result, tmp_path: Path, change) -> Path:
    document = json.loads(demo_result.model_dump_json())
    change(document)
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize("command", ["report", "controls", "baseline"])
def test_an_unknown_major_version_is_refused_with_one_line(demo_result, monkeypatch, capsys, tmp_path, command):
    path = _saved(demo_result, tmp_path, lambda document: document.update(schema_version="2.0"))
    args = {
        "report": ("report", str(path), "--format", "sarif", "--output-dir", str(tmp_path / "out")),
        "controls": ("controls", "--from", str(path), "--output-dir", str(tmp_path / "out")),
        "baseline": ("demo", "--quiet", "--baseline", str(path), "--output-dir", str(tmp_path / "out")),
    }[command]
    code, _, err = run_cli(monkeypatch, capsys, *args)
    assert code == 2
    assert err.count("\n") == 1 and "schema version 2.0" in err and "reads 1.x" in err


def test_a_schema_1_0_report_without_rule_data_still_renders(demo_result, monkeypatch, capsys, tmp_path):
    def as_1_0(document: dict) -> None:
        document.update(schema_version="1.0")
        del document["rules"], document["catalogues"]

    path = _saved(demo_result, tmp_path, as_1_0)
    code, out, err = run_cli(
        monkeypatch, capsys, "report", str(path), "--format", "sarif", "--output-dir", str(tmp_path / "out")
    )
    assert code == 0, err
    sarif = json.loads((tmp_path / "out" / "findings.sarif").read_text())
    assert sarif["runs"][0]["tool"]["driver"]["rules"], "rule metadata comes from the bundled rules"


def test_saved_findings_validate_against_the_published_schema(demo_result):
    published = json.loads((ROOT / "reports" / "findings.schema.json").read_text())
    jsonschema.validate(json.loads(demo_result.model_dump_json()), published)
