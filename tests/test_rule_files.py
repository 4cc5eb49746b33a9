"""Rule files: bundled ones are valid, malformed ones fail naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.models import RESERVED_ROOTS
from scanner.providers.registry import PROVIDERS, declared_fields
from scanner.rules import RuleLoadError, load_rule_file, load_rules

ROOT = Path(__file__).resolve().parents[1]

VALID = """\
id: aws.s3.example_rule
title: Example
resource_type: aws.s3.bucket
severity: low
rationale: Why.
remediation:
  text: Fix it.
check:
  fields: [versioning_status]
  pass_when: "versioning_status == 'Enabled'"
  message_pass: ok
  message_fail: "bad {versioning_status}"
examples:
  - name: versioning on
    expect: PASS
    config: {versioning_status: Enabled}
  - name: versioning suspended
    expect: FAIL
    config: {versioning_status: Suspended}
"""
PASS_EXAMPLE = """\
  - name: versioning on
    expect: PASS
    config: {versioning_status: Enabled}
"""
FAIL_EXAMPLE = """\
  - name: versioning suspended
    expect: FAIL
    config: {versioning_status: Suspended}
"""
SKIP_EXAMPLE = """\
  - name: not applicable
    expect: SKIP
    config: {versioning_status: Disabled}
"""


def write(tmp_path: Path, text: str, name: str = "example_rule.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_valid_rule_loads(tmp_path):
    rule = load_rule_file(write(tmp_path, VALID))
    assert rule.id == "aws.s3.example_rule"
    assert [(example.name, example.expect) for example in rule.examples] == [
        ("versioning on", "PASS"),
        ("versioning suspended", "FAIL"),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("severity: low", "severity: urgent"), "field severity"),
        (("title: Example\n", ""), "field title"),
        (("pass_when: \"versioning_status == 'Enabled'\"", 'pass_when: "versioning_status =="'), "check.pass_when"),
        (('message_fail: "bad {versioning_status}"', 'message_fail: "bad {other}"'), "check.message_fail"),
        (("fields: [versioning_status]", "fields: []"), "field check.fields"),
        (("id: aws.s3.example_rule", "id: aws.s3.other_rule"), "field id"),
        (("rationale: Why.", "rationale: Why.\nsurprise: 1"), "field surprise"),
        (("pass_when: \"versioning_status == 'Enabled'\"", "pass_when: \"mfa_delete == 'Enabled'\""), "'mfa_delete'"),
        (("pass_when: \"versioning_status == 'Enabled'\"", 'pass_when: "versioning_status != null"'), "'null'"),
        (("pass_when: \"versioning_status == 'Enabled'\"", 'pass_when: "@"'), "whole config"),
        ((FAIL_EXAMPLE, ""), "field examples: needs at least one PASS and one FAIL example; no FAIL example"),
        ((PASS_EXAMPLE, ""), "field examples: needs at least one PASS and one FAIL example; no PASS example"),
        (("examples:\n" + PASS_EXAMPLE + FAIL_EXAMPLE, ""), "no PASS and no FAIL example"),
        (("expect: FAIL", "expect: WARN"), "field examples.1.expect"),
        (("versioning suspended", "versioning on"), "field examples.1.name: duplicate"),
        (("{versioning_status: Suspended}", "{mfa_delete: Enabled}"), "examples.1.config: lacks 'versioning_status'"),
        ((FAIL_EXAMPLE, FAIL_EXAMPLE + SKIP_EXAMPLE), "field examples.2.expect: SKIP needs check.applies_when"),
        (("{versioning_status: Suspended}", "{versioning_status: Suspended, params: {}}"), "field examples.1.config"),
        (("    expect: FAIL\n", "    expect: FAIL\n    params: {allowed_region: [eu-west-1]}\n"), "examples.1.params"),
        (("    expect: FAIL\n", "    expect: FAIL\n    params: {allowed_regions: 5}\n"), "examples.1.params"),
        (("    expect: FAIL\n", "    expect: FAIL\n    resource: {owner: me}\n"), "field examples.1.resource: 'owner'"),
        (("    expect: FAIL\n", "    expect: FAIL\n    resource: {type: aws.s3.account}\n"), "examples.1.resource"),
        (("    expect: FAIL\n", "    expect: FAIL\n    resource: {tags: [a]}\n"), "field examples.1.resource.tags"),
    ],
)
def test_malformed_rule_names_file_and_field(tmp_path, change, field):
    path = write(tmp_path, VALID.replace(*change))
    with pytest.raises(RuleLoadError) as error:
        load_rule_file(path)
    message = str(error.value)
    assert message.startswith(str(path))
    assert field in message
    assert "\n" not in message


def test_invalid_yaml_is_reported(tmp_path):
    with pytest.raises(RuleLoadError, match="invalid YAML"):
        load_rule_file(write(tmp_path, "id: [unclosed"))


def test_duplicate_ids_are_rejected(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a", VALID)
    write(tmp_path / "b", VALID)
    with pytest.raises(RuleLoadError, match="duplicate rule id"):
        load_rules(tmp_path)


def test_bundled_rules_read_only_declared_fields():
    rules = load_rules()
    assert {rule.provider for rule in rules} == set(PROVIDERS)
    for rule in rules:
        fields = declared_fields(rule.resource_type)
        assert fields is not None, f"{rule.id}: unknown resource type {rule.resource_type}"
        assert not set(fields) & set(RESERVED_ROOTS), f"{rule.resource_type} uses a reserved field name"
        unknown = {field.split(".")[0] for field in rule.check.fields} - set(fields) - set(RESERVED_ROOTS)
        assert not unknown, f"{rule.id} reads undeclared fields {unknown}"


def test_rule_files_live_under_provider_and_service():
    for path in (ROOT / "rules").rglob("*.yaml"):
        rule = load_rule_file(path)
        provider, service, _ = rule.id.split(".")
        assert path.parent == ROOT / "rules" / provider / service, path
