"""The command line as a user meets it: demo, exit codes, reports, one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from scanner import cli

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run ``cloudscan ARGS`` through the real entry point; return (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["cloudscan", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
        raise SystemExit(0)
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


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


def test_fail_on_gates_the_exit_code(monkeypatch, capsys, tmp_path):
    assert run(monkeypatch, capsys, "demo", "--quiet", "--output-dir", str(tmp_path), "--fail-on", "critical")[0] == 1
    code, _, _ = run(
        monkeypatch,
        capsys,
        "demo",
        "--quiet",
        "--output-dir",
        str(tmp_path),
        "--rule",
        "aws.s3.bucket_encryption_kms",
        "--fail-on",
        "medium",
    )
    assert code == 0, "a low-severity failure does not fail a medium gate"
    assert (
        run(
            monkeypatch,
            capsys,
            "demo",
            "--quiet",
            "--output-dir",
            str(tmp_path),
            "--rule",
            "aws.s3.bucket_encryption_kms",
            "--fail-on",
            "low",
        )[0]
        == 1
    )


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


def test_published_schema_is_generated_from_the_models(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "schema")
    assert code == 0
    assert out == (ROOT / "reports" / "findings.schema.json").read_text(), "run `cloudscan schema > reports/...`"


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


def test_same_account_gives_the_same_findings_in_the_same_order():
    from scanner.demo import DEMO_REGIONS, demo_account
    from scanner.reports.sarif import to_sarif
    from scanner.scan import run_aws_scan

    with demo_account() as session:
        first = run_aws_scan(session, regions=DEMO_REGIONS, max_workers=8)
        second = run_aws_scan(session, regions=DEMO_REGIONS, max_workers=3)
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
