"""Engine semantics on normalized resources (no cloud involved)."""

from __future__ import annotations

import pytest

from scanner.engine import evaluate, render_message
from scanner.errors import UsageError
from scanner.models import Remediation, Resource, Rule, ScanError, ScanParams, Status, TagSelector

RULE = Rule.model_validate(
    {
        "id": "aws.test.widget_enabled",
        "title": "Widget is enabled",
        "resource_type": "aws.test.widget",
        "severity": "high",
        "rationale": "Because.",
        "remediation": Remediation(text="Enable it."),
        "check": {
            "fields": ["enabled", "size"],
            "pass_when": "enabled",
            "applies_when": "size > `0`",
            "message_pass": "Enabled ({size}).",
            "message_fail": "Disabled, size {size}.",
        },
    }
)


def widget(widget_id: str, **config) -> Resource:
    unavailable = config.pop("unavailable", {})
    return Resource(
        provider="aws",
        account="111122223333",
        region="eu-west-1",
        type="aws.test.widget",
        id=widget_id,
        config=config,
        unavailable=unavailable,
    )


def by_id(findings):
    return {finding.resource.id: finding for finding in findings}


def test_pass_fail_and_evidence():
    findings = by_id(evaluate([RULE], [widget("a", enabled=True, size=3), widget("b", enabled=False, size=2)]))
    assert findings["a"].status is Status.PASS
    assert findings["a"].message == "Enabled (3)."
    assert findings["b"].status is Status.FAIL
    assert findings["b"].evidence == {"enabled": False, "size": 2}
    assert findings["b"].message == "Disabled, size 2."


def test_applies_when_false_gives_no_finding():
    assert evaluate([RULE], [widget("a", enabled=False, size=0)]) == []


def test_unavailable_field_is_error_never_pass():
    resource = widget("a", enabled=True, size=1, unavailable={"enabled": "get_widget failed: AccessDenied: no"})
    (finding,) = evaluate([RULE], [resource])
    assert finding.status is Status.ERROR
    assert "AccessDenied" in finding.message
    assert finding.evidence == {}


def test_field_missing_from_config_is_error():
    (finding,) = evaluate([RULE], [widget("a", size=1)])
    assert finding.status is Status.ERROR
    assert "did not collect enabled" in finding.message


def test_non_boolean_condition_is_error():
    (finding,) = evaluate([RULE], [widget("a", enabled="yes", size=1)])
    assert finding.status is Status.ERROR
    assert "pass_when" in finding.message


def test_failed_listing_becomes_error_finding_per_rule():
    error = ScanError(
        provider="aws",
        account="111122223333",
        region="eu-west-1",
        service="test",
        operation="list_widgets",
        resource_type="aws.test.widget",
        code="AccessDenied",
        message="User is not authorized",
    )
    (finding,) = evaluate([RULE], [], [error])
    assert finding.status is Status.ERROR
    assert finding.resource.id == "*"
    assert "AccessDenied" in finding.message and "list_widgets" in finding.message


def test_findings_are_sorted_deterministically():
    resources = [widget(name, enabled=True, size=1) for name in ("c", "a", "b")]
    assert [f.resource.id for f in evaluate([RULE], resources)] == ["a", "b", "c"]
    assert evaluate([RULE], resources) == evaluate([RULE], list(reversed(resources)))


def test_fingerprint_is_stable_and_distinct():
    first = by_id(evaluate([RULE], [widget("a", enabled=True, size=1), widget("b", enabled=True, size=1)]))
    again = by_id(evaluate([RULE], [widget("a", enabled=False, size=1)]))
    assert first["a"].fingerprint == again["a"].fingerprint
    assert first["a"].fingerprint != first["b"].fingerprint


def test_render_message_is_human_readable():
    evidence = {"flags": {"A": True, "B": False}, "items": [], "name": None}
    assert render_message("{flags} / {items} / {name}", evidence) == "A=yes, B=no / none / none"


PRODUCTION_RULE = RULE.model_copy(
    update={
        "check": RULE.check.model_copy(
            update={"fields": ("enabled", "tagged.production"), "applies_when": "tagged.production"}
        )
    }
)


def test_tag_classes_follow_the_scan_parameters():
    """``tagged.production`` is true for resources carrying the configured tag, whatever its key."""
    tagged = widget("prod", enabled=False).model_copy(update={"tags": {"environment": "production"}})
    custom = widget("custom", enabled=False).model_copy(update={"tags": {"stage": "prd"}})
    untagged = widget("dev", enabled=False)
    default = by_id(evaluate([PRODUCTION_RULE], [tagged, custom, untagged]))
    assert set(default) == {"prod"} and default["prod"].status is Status.FAIL
    assert default["prod"].evidence == {"enabled": False, "tagged.production": True}
    params = ScanParams(production_tag=TagSelector(key="stage", value="prd"))
    assert set(by_id(evaluate([PRODUCTION_RULE], [tagged, custom, untagged], params=params))) == {"custom"}


def test_the_config_file_sets_the_tag_classes(tmp_path):
    from scanner.config import load_config

    path = tmp_path / "config.yaml"
    path.write_text("production_tag: {key: stage, value: prd}\n")
    assert load_config(path).production_tag == TagSelector(key="stage", value="prd")
    path.write_text("production_tag: prd\n")
    with pytest.raises(UsageError, match=r"config.yaml: field production_tag"):
        load_config(path)
