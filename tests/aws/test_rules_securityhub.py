"""The Security Hub rule failing, passing and erring, against a local fake of the Security Hub API.

moto answers ``DescribeHub`` but not ``GetEnabledStandards`` ("Not yet implemented"), so the
real boto3 client talks to ``tests.support.fake_aws`` for every Security Hub call; STS stays on moto.
"""

from __future__ import annotations

import pytest

from scanner.models import Status
from tests.support.aws import scan
from tests.support.fake_aws import FakeAws, access_denied, aws_error, ok
from tests.support.results import finding

RULE = "aws.securityhub.hub_enabled"
HUB = {
    "HubArn": "arn:aws:securityhub:us-east-1:123456789012:hub/default",
    "SubscribedAt": "2026-03-02T09:14:27.360Z",
    "AutoEnableControls": True,
    "ControlFindingGenerator": "SECURITY_CONTROL",
}
FSBP = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
NOT_SUBSCRIBED = aws_error(401, "InvalidAccessException", "Account 123456789012 is not subscribed to AWS Security Hub")


def subscription(arn: str, status: str) -> dict:
    name = arn.split(":", 5)[-1].split("/", 1)[-1]
    return {
        "StandardsSubscriptionArn": f"arn:aws:securityhub:us-east-1:123456789012:subscription/{name}",
        "StandardsArn": arn,
        "StandardsInput": {},
        "StandardsStatus": status,
        "StandardsControlsUpdatable": "READY_FOR_UPDATES",
    }


@pytest.fixture
def hub(aws, monkeypatch):
    with FakeAws.serving() as fake:
        yield fake.serve(monkeypatch, "securityhub")


def test_not_subscribed_is_fail_not_error(aws, hub):
    hub.reply("securityhub", "DescribeHub", NOT_SUBSCRIBED)
    hub.reply("securityhub", "GetEnabledStandards", NOT_SUBSCRIBED)
    off = finding(scan(aws, RULE), RULE, "us-east-1")
    assert off.status is Status.FAIL
    assert off.evidence == {"hub_enabled": False, "enabled_standards": [], "standards": []}


def test_hub_with_a_ready_standard_passes(aws, hub):
    hub.reply("securityhub", "DescribeHub", ok(HUB))
    body = {"StandardsSubscriptions": [subscription(CIS, "FAILED"), subscription(FSBP, "READY")]}
    hub.reply("securityhub", "GetEnabledStandards", ok(body, page_size=1))
    on = finding(scan(aws, RULE), RULE, "us-east-1")
    assert on.status is Status.PASS
    assert on.evidence["enabled_standards"] == ["aws-foundational-security-best-practices/v/1.0.0"]
    assert on.evidence["standards"][0] == {"standard": "cis-aws-foundations-benchmark/v/1.2.0", "status": "FAILED"}
    assert hub.operations == ["DescribeHub", "GetEnabledStandards", "GetEnabledStandards"], "both pages, once each"


def test_hub_without_standards_fails(aws, hub):
    hub.reply("securityhub", "DescribeHub", ok(HUB))
    hub.reply("securityhub", "GetEnabledStandards", ok({"StandardsSubscriptions": []}))
    bare = finding(scan(aws, RULE), RULE, "us-east-1")
    assert bare.status is Status.FAIL
    assert bare.evidence["hub_enabled"] is True


def test_denied_describe_hub_is_error(aws, hub):
    hub.reply("securityhub", "DescribeHub", access_denied("securityhub", "DescribeHub"))
    hub.reply("securityhub", "GetEnabledStandards", ok({"StandardsSubscriptions": [subscription(FSBP, "READY")]}))
    denied = finding(scan(aws, RULE), RULE, "us-east-1")
    assert denied.status is Status.ERROR
    assert "describe_hub failed: AccessDeniedException" in denied.message
