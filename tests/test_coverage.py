"""The control coverage report: statuses an auditor can rely on, in JSON and Markdown."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import jsonschema
import pytest

from scanner.coverage import ControlStatus, build_coverage
from scanner.errors import UsageError
from scanner.mappings import Checkability, ControlMapping, catalogues
from scanner.models import (
    Finding,
    Remediation,
    Responsibility,
    RuleRecord,
    ScanResult,
    Severity,
    Status,
)
from scanner.reports import controls_json, controls_markdown
from scanner.result_data import with_rule_data
from tests.support import aws
from tests.support.results import make_finding, make_result

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo_result() -> ScanResult:
    from scanner.demo import DEMO_REGIONS, demo_account

    with demo_account() as session:
        return aws.run(session, regions=DEMO_REGIONS, max_workers=8)


@pytest.fixture(scope="module")
def demo_coverage(demo_result):
    return build_coverage(demo_result)


def control(coverage, framework: str, control_id: str):
    (found,) = [c for fw in coverage.frameworks if fw.framework == framework for c in fw.controls if c.id == control_id]
    return found


def finding(rule_id: str, status: Status, resource_id: str = "r1") -> Finding:
    return make_finding(rule_id, resource_id, status)


scan_result = make_result


def with_mapping(result: ScanResult, rule_id: str, *targets: tuple[str, str]) -> ScanResult:
    """``result`` recording one more rule that ran, mapped to the chosen controls (none of the real
    mappings reach provider or manual controls)."""
    described = with_rule_data(result)
    provider, service, _ = rule_id.split(".")
    record = RuleRecord(
        id=rule_id,
        title="Test rule",
        resource_type=f"{provider}.{service}.thing",
        severity=Severity.HIGH,
        rationale="test",
        remediation=Remediation(text="test"),
        controls=tuple(
            ControlMapping(framework=fw, control=cid, responsibility=Responsibility.CUSTOMER, rationale="test")
            for fw, cid in targets
        ),
    )
    return described.model_copy(update={"rules": (*described.rules, record)})


# --- the demo account -------------------------------------------------------------------------


def test_every_catalogue_control_is_listed_in_catalogue_order(demo_coverage):
    known = catalogues()
    assert [fw.framework for fw in demo_coverage.frameworks] == list(known)
    for fw in demo_coverage.frameworks:
        assert [c.id for c in fw.controls] == [c.id for c in known[fw.framework].controls]
        assert fw.summary.total == len(fw.controls)
        assert sum(fw.summary.by_status.values()) == len(fw.controls)
        assert set(fw.summary.by_status) == {status.value for status in ControlStatus}


def test_demo_statuses_of_real_controls(demo_coverage):
    public = control(demo_coverage, "iso27017", "9.4.1")
    assert public.status is ControlStatus.FAILING
    assert "aws.s3.bucket_policy_not_public" in public.rules_evaluated
    assert any(
        r.rule_id == "aws.s3.bucket_policy_not_public"
        and r.resource_id == "demo-public-website"
        and r.status is Status.FAIL
        for r in public.resources
    )
    assert public.responsibility is Responsibility.CUSTOMER
    assert public.iso27001_2022 == ("A.8.3",)
    assert control(demo_coverage, "iso27018", "9.4.1").status is ControlStatus.FAILING
    assert control(demo_coverage, "iso27017", "12.4.1").responsibility is Responsibility.SHARED

    provider_only = control(demo_coverage, "iso27017", "CLD.9.5.1")
    assert provider_only.status is ControlStatus.INHERITED
    assert provider_only.responsibility is Responsibility.PROVIDER
    assert provider_only.provider_evidence and "27017" in provider_only.provider_evidence

    policy = control(demo_coverage, "iso27017", "5.1.1")
    assert policy.status is ControlStatus.NOT_ASSESSABLE
    assert policy.responsibility is Responsibility.SHARED and policy.rules == ()
    customer_only = control(demo_coverage, "iso27017", "15.1.1")
    assert customer_only.responsibility is Responsibility.CUSTOMER and customer_only.provider_evidence is None

    unmapped = control(demo_coverage, "iso27018", "A.11.9")
    assert unmapped.checkability is Checkability.PARTLY and unmapped.status is ControlStatus.NOT_ASSESSABLE

    own_ids = control(demo_coverage, "iso27018", "A.11.8")
    assert own_ids.status is ControlStatus.PASSING
    assert any("process evidence is also required" in note for note in own_ids.notes)


def test_no_manual_or_provider_control_passes_in_the_demo(demo_coverage):
    for fw in demo_coverage.frameworks:
        for c in fw.controls:
            if c.checkability is Checkability.MANUAL or c.applies_to.value == "provider":
                assert c.status is not ControlStatus.PASSING, (fw.framework, c.id)
            if c.status is ControlStatus.FAILING:
                assert c.counts.FAIL > 0 and c.resources
            assert c.resources_truncated == max(0, c.counts.FAIL + c.counts.ERROR - len(c.resources))
            assert set(c.rules_evaluated) <= set(c.rules)


def test_resources_are_sorted_and_capped(demo_result):
    capped = build_coverage(demo_result, max_resources=2)
    encryption = control(capped, "iso27017", "10.1.1")
    assert len(encryption.resources) == 2
    assert encryption.resources_truncated == encryption.counts.FAIL + encryption.counts.ERROR - 2
    full = control(build_coverage(demo_result), "iso27017", "10.1.1").resources
    assert list(encryption.resources) == list(full[:2])
    assert build_coverage(demo_result) == build_coverage(demo_result), "deterministic"


def test_framework_selection(demo_result):
    only = build_coverage(demo_result, ["iso27018"])
    assert [fw.framework for fw in only.frameworks] == ["iso27018"]
    with pytest.raises(UsageError, match="nist"):
        build_coverage(demo_result, ["nist"])


def test_rule_selection_leaves_unscanned_controls_not_assessable(demo_result):
    s3_only = scan_result(*(f for f in demo_result.findings if f.rule_id.startswith("aws.s3.")))
    cov = build_coverage(s3_only, rule_ids={f.rule_id for f in s3_only.findings})
    assert control(cov, "iso27017", "9.4.3").status is ControlStatus.NOT_ASSESSABLE
    assert control(cov, "iso27017", "9.4.1").status is ControlStatus.FAILING
    assert all(r.startswith("aws.s3.") for r in control(cov, "iso27017", "9.4.1").rules)


# --- precedence, on hand-built results ----------------------------------------------------------


def test_provider_control_is_inherited_even_when_a_mapped_rule_passes_or_fails():
    def mapped(status: Status) -> ScanResult:
        return with_mapping(scan_result(finding("aws.s3.test_rule", status)), "aws.s3.test_rule", ("iso27017", "9.2.1"))

    passing = control(build_coverage(mapped(Status.PASS)), "iso27017", "9.2.1")
    assert passing.status is ControlStatus.INHERITED and passing.counts.PASS == 1
    failing = control(build_coverage(mapped(Status.FAIL)), "iso27017", "9.2.1")
    assert failing.status is ControlStatus.INHERITED
    assert failing.counts.FAIL == 1 and len(failing.resources) == 1
    assert failing.responsibility is Responsibility.CUSTOMER, "the mapping's annotation wins"


def test_manual_control_never_passes():
    result = with_mapping(
        scan_result(finding("aws.s3.test_rule", Status.PASS)), "aws.s3.test_rule", ("iso27017", "5.1.1")
    )
    manual = control(build_coverage(result), "iso27017", "5.1.1")
    assert manual.status is ControlStatus.NOT_ASSESSABLE
    assert manual.rules_evaluated == ("aws.s3.test_rule",)


def test_fail_beats_error_beats_pass():
    rule = "aws.s3.bucket_policy_not_public"
    mixed = scan_result(
        finding(rule, Status.PASS, "a"), finding(rule, Status.ERROR, "b"), finding(rule, Status.FAIL, "c")
    )
    c = control(build_coverage(mixed), "iso27017", "9.4.1")
    assert c.status is ControlStatus.FAILING
    assert (c.counts.PASS, c.counts.FAIL, c.counts.ERROR, c.counts.MUTED) == (1, 1, 1, 0)
    assert [(r.status, r.resource_id) for r in c.resources] == [(Status.FAIL, "c"), (Status.ERROR, "b")]

    errored = scan_result(finding(rule, Status.PASS, "a"), finding(rule, Status.ERROR, "b"))
    assert control(build_coverage(errored), "iso27017", "9.4.1").status is ControlStatus.ERROR

    passed = scan_result(finding(rule, Status.PASS, "a"))
    c = control(build_coverage(passed), "iso27017", "9.4.1")
    assert c.status is ControlStatus.PASSING and c.checkability is Checkability.AUTOMATED
    assert not any("process evidence" in note for note in c.notes)


def test_mapped_rules_without_findings_give_no_evidence():
    cov = build_coverage(scan_result())
    assert control(cov, "iso27017", "9.4.1").status is ControlStatus.NO_EVIDENCE
    assert control(cov, "iso27017", "9.4.1").rules_evaluated == ()
    assert control(cov, "iso27017", "5.1.1").status is ControlStatus.NOT_ASSESSABLE
    assert control(cov, "iso27018", "A.2.1").status is ControlStatus.INHERITED


def test_muted_findings_never_fail_a_control():
    rule = "aws.s3.bucket_policy_not_public"
    result = scan_result(finding(rule, Status.PASS, "a"), finding(rule, Status.MUTED, "b"))
    c = control(build_coverage(result), "iso27017", "9.4.1")
    assert c.status is ControlStatus.PASSING
    assert c.counts.MUTED == 1 and c.resources == ()
    assert [r.resource_id for r in c.accepted_risks] == ["b"]

    only_muted = control(build_coverage(scan_result(finding(rule, Status.MUTED, "b"))), "iso27017", "9.4.1")
    assert only_muted.status is ControlStatus.PASSING
    assert any("accepted risk" in note for note in only_muted.notes)

    with_fail = scan_result(finding(rule, Status.MUTED, "b"), finding(rule, Status.FAIL, "c"))
    assert control(build_coverage(with_fail), "iso27017", "9.4.1").status is ControlStatus.FAILING


def test_rules_of_other_providers_are_ignored():
    result = with_mapping(scan_result(), "azure.storage.test_rule", ("iso27017", "9.1.2"))
    assert control(build_coverage(result), "iso27017", "9.1.2").rules == ()


# --- the reports --------------------------------------------------------------------------------


def test_controls_json_matches_its_generated_schema(demo_result):
    report = json.loads(controls_json.render(demo_result))
    schema = controls_json.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(report)
    assert report["schema_version"] == "1.0"
    assert report["scan"]["account"] == "123456789012"
    first = report["frameworks"][0]["controls"][0]
    for key in ("id", "title", "applies_to", "checkability", "responsibility", "status", "iso27001_2022", "rules"):
        assert key in first
    assert set(first["counts"]) == {"PASS", "FAIL", "ERROR", "MUTED"}
    muted = json.loads(controls_json.render(scan_result(finding("aws.s3.bucket_acl_not_public", Status.MUTED))))
    jsonschema.Draft202012Validator(schema).validate(muted)


def test_markdown_lists_failing_controls_in_well_formed_tables(demo_result, demo_coverage):
    text = controls_markdown.render(demo_result)
    assert text.startswith("# Control coverage: aws account 123456789012")
    assert "eu-west-1, us-east-1" in text
    assert "## Failing controls" in text and "## Inherited from the provider" in text
    failing_section = text.split("## Failing controls", 1)[1].split("## Inherited from the provider", 1)[0]
    for fw in demo_coverage.frameworks:
        assert f"## {fw.name}" in text
        for c in fw.controls:
            if c.status is ControlStatus.FAILING:
                assert f"### {fw.name} {c.id}: " in failing_section
            assert f"| {c.id} | " in text
    assert "**FAILING**" in text and "**INHERITED**" in text
    assert "aws.s3.bucket_policy_not_public" in failing_section
    assert "CLD.9.5.1" in text.split("## Inherited from the provider", 1)[1]
    _assert_tables_well_formed(text)


def test_markdown_escapes_pipes_and_shows_accepted_risks():
    rule = "aws.s3.bucket_policy_not_public"
    bad = finding(rule, Status.FAIL, "a|b").model_copy(update={"message": "left | right\nnext line"})
    text = controls_markdown.render(scan_result(bad, finding(rule, Status.MUTED, "m")))
    assert "left \\| right next line" in text and "a\\|b" in text
    assert "## Accepted risks" in text
    _assert_tables_well_formed(text)


def _assert_tables_well_formed(text: str) -> None:
    tables: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            current.append(line)
        else:
            current = None
    assert tables
    for table in tables:
        assert len(table) >= 2 and set(table[1].replace("|", "").split()) == {"---"}
        widths = {_cell_count(row) for row in table}
        assert len(widths) == 1, table
        assert all(row.endswith(" |") for row in table)


def _cell_count(row: str) -> int:
    """Unescaped pipes in a table row."""
    return row.replace("\\\\", "").replace("\\|", "").count("|")
