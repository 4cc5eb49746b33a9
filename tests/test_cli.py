"""The command line as a user meets it: demo, exit codes, reports, one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from scanner import cli
from tests.support import aws, run_cli

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"  # the official OASIS schema, vendored


run = run_cli


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):
    """One full demo scan writing JSON and SARIF (shared by the report checks)."""
    out = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(
            sys,
            "argv",
            ["cloudscan", "demo", "--quiet", "--format", "json", "--format", "sarif", "--output-dir", str(out)],
        )
        with pytest.raises(SystemExit) as exit_info:
            cli.main()
    assert exit_info.value.code == 0
    return json.loads((out / "findings.json").read_text()), json.loads((out / "findings.sarif").read_text())


def test_demo_prints_a_summary_and_exits_zero(monkeypatch, capsys, tmp_path):
    code, out, _ = run(monkeypatch, capsys, "demo", "--output-dir", str(tmp_path))
    assert code == 0
    assert "account 123456789012" in out
    assert "Top failing rules" in out
    assert "aws.s3.bucket_policy_not_public" in out
    assert (tmp_path / "findings.json").exists()
    assert not (tmp_path / "findings.sarif").exists(), "json is the default format"


@pytest.mark.parametrize(
    ("rules", "fail_on", "expected"),
    [
        ((), "critical", 1),
        (("--rule", "aws.s3.bucket_encryption_kms"), "medium", 0),  # a low failure does not fail a medium gate
        (("--rule", "aws.s3.bucket_encryption_kms"), "low", 1),
    ],
)
def test_fail_on_gates_the_exit_code(monkeypatch, capsys, tmp_path, rules, fail_on, expected):
    args = ("demo", "--quiet", "--output-dir", str(tmp_path), *rules, "--fail-on", fail_on)
    assert run(monkeypatch, capsys, *args)[0] == expected


def test_rule_and_severity_filters(monkeypatch, capsys, tmp_path):
    code, _, _ = run(
        monkeypatch,
        capsys,
        "demo",
        "--quiet",
        "--output-dir",
        str(tmp_path),
        "--rule",
        "aws.s3.*",
        "--exclude-rule",
        "aws.s3.bucket_tls_only",
        "--severity",
        "medium",
    )
    assert code == 0
    report = json.loads((tmp_path / "findings.json").read_text())
    rule_ids = {finding["rule_id"] for finding in report["findings"]}
    assert rule_ids == {"aws.s3.bucket_versioning_enabled", "aws.s3.bucket_default_encryption"}
    assert {finding["severity"] for finding in report["findings"]} == {"medium"}


def test_json_report_matches_published_schema(demo_reports):
    report, _ = demo_reports
    schema = json.loads((ROOT / "reports" / "findings.schema.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(report)
    finding = report["findings"][0]
    for key in (
        "rule_id",
        "status",
        "severity",
        "title",
        "message",
        "resource",
        "evidence",
        "remediation",
        "controls",
        "responsibility",
    ):
        assert key in finding
    assert set(finding["resource"]) >= {"provider", "account", "region", "type", "id", "arn", "name"}
    assert report["scan"]["account"] == "123456789012"
    assert report["scan"]["regions"] == ["eu-west-1", "us-east-1"]
    assert report["summary"]["by_status"]["FAIL"] > 0


@pytest.mark.parametrize("report", ["findings", "controls"])
def test_published_schemas_are_generated_from_the_models(monkeypatch, capsys, report):
    code, out, _ = run(monkeypatch, capsys, "schema", report)
    assert code == 0
    published = (ROOT / "reports" / f"{report}.schema.json").read_text()
    assert out == published, f"run `cloudscan schema {report} > reports/{report}.schema.json`"


def test_sarif_is_valid_and_fit_for_github(demo_reports):
    report, sarif = demo_reports
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    (run_,) = sarif["runs"]
    failing = [f for f in report["findings"] if f["status"] == "FAIL"]
    assert len(run_["results"]) == len(failing), "FAIL results only, by default"
    rules = run_["tool"]["driver"]["rules"]
    severity_scores = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
    for rule in rules:
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["properties"]["security-severity"] == severity_scores[rule["properties"]["severity"]]
    for result in run_["results"]:
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith("aws/123456789012/") and ":" not in uri and not uri.startswith("/")
        assert location["physicalLocation"]["region"]["startLine"] == 1
        assert location["logicalLocations"][0]["fullyQualifiedName"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["partialFingerprints"]["cloudscanFinding/v1"]


def test_sarif_declares_iso_taxonomies_and_relates_rules_to_controls(demo_reports):
    _, sarif = demo_reports
    (run_,) = sarif["runs"]
    taxonomies = run_["taxonomies"]
    assert [taxonomy["name"] for taxonomy in taxonomies] == ["ISO/IEC 27017:2015", "ISO/IEC 27018:2019"]
    supported = run_["tool"]["driver"]["supportedTaxonomies"]
    assert [entry["index"] for entry in supported] == [0, 1]
    taxa = {(index, taxon["id"]) for index, taxonomy in enumerate(taxonomies) for taxon in taxonomy["taxa"]}
    assert {"CLD.9.5.1", "CLD.12.4.5"} <= {taxon_id for _, taxon_id in taxa}
    by_id = {rule["id"]: rule for rule in run_["tool"]["driver"]["rules"]}
    for rule in by_id.values():
        assert rule["relationships"], f"{rule['id']} relates to no control"
        for relationship in rule["relationships"]:
            target = relationship["target"]
            assert (target["toolComponent"]["index"], target["id"]) in taxa
            assert taxonomies[target["toolComponent"]["index"]]["name"] == target["toolComponent"]["name"]
    encryption = by_id["aws.s3.bucket_default_encryption"]
    assert any(r["target"]["toolComponent"]["name"] == "ISO/IEC 27018:2019" for r in encryption["relationships"])


def test_same_account_gives_the_same_findings_in_the_same_order():
    from scanner.demo import DEMO_REGIONS, demo_account
    from scanner.reports.sarif import to_sarif

    with demo_account() as session:
        first = aws.run(session, regions=DEMO_REGIONS, max_workers=8)
        second = aws.run(session, regions=DEMO_REGIONS, max_workers=3)
    assert first.findings == second.findings
    assert to_sarif(first)["runs"][0]["results"] == to_sarif(second)["runs"][0]["results"]


def test_rules_list(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "rules", "list")
    assert code == 0
    assert "aws.s3.bucket_versioning_enabled" in out
    code, out, _ = run(monkeypatch, capsys, "rules", "list", "--format", "json")
    rules = json.loads(out)
    assert {"id", "severity", "resource_type", "remediation", "check"} <= set(rules[0])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["scan", "aws", "--region", "moon-base-1x"], "--region"),
        (["scan", "aws", "--fail-on", "sometimes"], "--fail-on"),
        (["scan", "aws", "--severity", "urgent"], "--severity"),
        (["scan", "aws", "--format", "pdf"], "--format"),
        (["scan", "aws", "--rule", "aws.nothing.here"], "aws.nothing.here"),
        (["scan", "aws", "--max-workers", "0"], "--max-workers"),
        (["scan", "aws", "--no-such-flag"], "--no-such-flag"),
        (["scan", "aws", "--profile", "does-not-exist"], "does-not-exist"),
        (["scan", "gcpx"], "gcpx"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(monkeypatch, capsys, args, needle):
    code, out, err = run(monkeypatch, capsys, *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cloudscan: error:") and needle in lines[0]
    assert "Traceback" not in out + err


def test_output_dir_that_is_a_file_is_a_usage_error(monkeypatch, capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(monkeypatch, capsys, "demo", "--quiet", "--output-dir", str(blocker))
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_missing_credentials_are_a_usage_error(monkeypatch, capsys):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    code, _, err = run(monkeypatch, capsys, "scan", "aws", "--region", "us-east-1")
    assert code == 2
    assert err.strip() == (
        "cloudscan: error: no AWS credentials found: use --profile, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID"
    )


def test_unreachable_account_exits_3_with_one_line(monkeypatch, capsys):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    code, _, err = run(monkeypatch, capsys, "scan", "aws", "--region", "us-east-1", "--max-attempts", "1")
    assert code == 3
    assert err.strip().startswith("cloudscan: scan failed: cannot read the caller identity")
    assert len(err.strip().splitlines()) == 1


def test_readme_lists_exactly_the_permissions_a_scan_uses(monkeypatch, capsys):
    import re

    code, out, _ = run(monkeypatch, capsys, "permissions", "aws")
    assert code == 0
    actions = json.loads(out)["Statement"][0]["Action"]
    assert "s3:GetEncryptionConfiguration" in actions and "sts:GetCallerIdentity" in actions
    block = re.search(r"<!-- permissions:aws:start -->\n```text\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)
    assert block and block.group(1).split("\n") == actions, "update the README permissions block"


def test_framework_filter_selects_mapped_rules(monkeypatch, capsys, tmp_path):
    from scanner.mappings import rule_maps

    code, _, _ = run(monkeypatch, capsys, "demo", "--quiet", "--framework", "iso27018", "--output-dir", str(tmp_path))
    assert code == 0
    report = json.loads((tmp_path / "findings.json").read_text())
    expected = sorted(
        r for r, maps in rule_maps().items() if r.startswith("aws.") and any(m.framework == "iso27018" for m in maps)
    )
    assert list(report["scan"]["rule_ids"]) == expected
    assert report["scan"]["frameworks"] == ["iso27018"]
    assert {f["rule_id"] for f in report["findings"]} <= set(expected)
    assert len(expected) < len([r for r in rule_maps() if r.startswith("aws.")]), "some rules are 27017-only"


def test_controls_report_from_saved_findings(monkeypatch, capsys, tmp_path):
    scan_dir, out_dir = tmp_path / "scan", tmp_path / "controls"
    run(monkeypatch, capsys, "demo", "--quiet", "--output-dir", str(scan_dir))
    code, out, _ = run(
        monkeypatch,
        capsys,
        "controls",
        "--from",
        str(scan_dir / "findings.json"),
        "--framework",
        "iso27018",
        "--output-dir",
        str(out_dir),
    )
    assert code == 0
    assert "ISO/IEC 27018:2019: 37 controls" in out and "FAILING A.11.6" in out
    coverage = json.loads((out_dir / "controls.json").read_text())
    assert [framework["framework"] for framework in coverage["frameworks"]] == ["iso27018"]
    schema = json.loads((ROOT / "reports" / "controls.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(coverage)
    markdown = (out_dir / "controls.md").read_text()
    assert "| A.11.6 |" in markdown and "**FAILING**" in markdown


def test_scan_writes_controls_reports(monkeypatch, capsys, tmp_path):
    code, _, _ = run(
        monkeypatch,
        capsys,
        "demo",
        "--quiet",
        "--format",
        "controls",
        "--format",
        "controls-md",
        "--output-dir",
        str(tmp_path),
    )
    assert code == 0
    assert {path.name for path in tmp_path.iterdir()} == {"controls.json", "controls.md"}
    coverage = json.loads((tmp_path / "controls.json").read_text())
    statuses = {c["status"] for f in coverage["frameworks"] for c in f["controls"]}
    assert {"failing", "inherited", "not-assessable"} <= statuses


def test_controls_catalogue_listing(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "controls", "--framework", "iso27017")
    assert code == 0
    assert "ISO/IEC 27017:2015 (51 controls)" in out and "CLD.9.5.1" in out


@pytest.mark.parametrize(
    ("content", "needle"),
    [("{not json", "is not a cloudscan findings report"), ('{"schema_version": "1.0"}', "scan")],
)
def test_controls_from_a_bad_file_is_one_line(monkeypatch, capsys, tmp_path, content, needle):
    bad = tmp_path / "findings.json"
    bad.write_text(content)
    code, _, err = run(monkeypatch, capsys, "controls", "--from", str(bad))
    assert code == 2 and len(err.strip().splitlines()) == 1 and needle in err


def test_allowed_regions_from_flag_and_config_file(monkeypatch, capsys, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("allowed_regions: [eu-west-1]\n")
    run(monkeypatch, capsys, "demo", "--quiet", "--config", str(config), "--output-dir", str(tmp_path / "a"))
    report = json.loads((tmp_path / "a" / "findings.json").read_text())
    assert report["scan"]["params"]["allowed_regions"] == ["eu-west-1"]
    run(
        monkeypatch,
        capsys,
        "demo",
        "--quiet",
        "--config",
        str(config),
        "--allowed-region",
        "us-east-1",
        "--output-dir",
        str(tmp_path / "b"),
    )
    report = json.loads((tmp_path / "b" / "findings.json").read_text())
    assert report["scan"]["params"]["allowed_regions"] == ["us-east-1"], "the flag wins over the file"


def test_default_config_file_is_found(monkeypatch, capsys, tmp_path):
    (tmp_path / ".cloudscan").mkdir()
    (tmp_path / ".cloudscan" / "config.yaml").write_text("allowed_regions: [eu-west-1, eu-central-1]\n")
    monkeypatch.chdir(tmp_path)
    run(monkeypatch, capsys, "demo", "--quiet")
    report = json.loads((tmp_path / "cloudscan-results" / "findings.json").read_text())
    assert report["scan"]["params"]["allowed_regions"] == ["eu-central-1", "eu-west-1"]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("allowed_regions: [mars-1]\n", "field allowed_regions: 'mars-1' is not a region name"),
        ("allowed_region: [eu-west-1]\n", "field allowed_region"),
        ("allowed_regions: [unclosed\n", "invalid YAML"),
        ("- just a list\n", "must hold a mapping"),
    ],
)
def test_bad_config_file_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path, content, needle):
    config = tmp_path / "config.yaml"
    config.write_text(content)
    code, _, err = run(monkeypatch, capsys, "demo", "--quiet", "--config", str(config))
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith(f"cloudscan: error: {config}") and needle in line, line


def test_report_rerenders_a_saved_scan_identically(monkeypatch, capsys, tmp_path):
    scan_dir, again = tmp_path / "scan", tmp_path / "again"
    run(
        monkeypatch,
        capsys,
        "demo",
        "--quiet",
        "--format",
        "json",
        "--format",
        "sarif",
        "--format",
        "controls",
        "--output-dir",
        str(scan_dir),
    )
    code, out, _ = run(
        monkeypatch,
        capsys,
        "report",
        str(scan_dir / "findings.json"),
        "--format",
        "sarif",
        "--format",
        "controls",
        "--output-dir",
        str(again),
    )
    assert code == 0 and "findings.sarif" in out
    assert (again / "findings.sarif").read_text() == (scan_dir / "findings.sarif").read_text()
    assert (again / "controls.json").read_text() == (scan_dir / "controls.json").read_text()


def test_report_refuses_to_overwrite_its_source(monkeypatch, capsys, tmp_path):
    run(monkeypatch, capsys, "demo", "--quiet", "--output-dir", str(tmp_path))
    code, _, err = run(
        monkeypatch,
        capsys,
        "report",
        str(tmp_path / "findings.json"),
        "--format",
        "json",
        "--output-dir",
        str(tmp_path),
    )
    assert code == 2 and "refusing to overwrite" in err
