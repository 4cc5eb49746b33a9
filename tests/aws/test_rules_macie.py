"""The Amazon Macie rule passing and failing on moto, and AWS's "not enabled" answer against a local fake.

moto starts every account with Macie ENABLED and, once disabled, answers ResourceNotFoundException;
AWS answers an account that never enabled Macie with AccessDeniedException "Macie is not enabled",
which only the fake can show.
"""

from __future__ import annotations

import pytest

from scanner.models import Status
from tests.support.aws import scan
from tests.support.fake_aws import FakeAws, aws_error
from tests.support.results import finding

RULE = "aws.macie.macie_enabled"


def test_enabled_passes_and_disabled_fails(aws):
    aws.client("macie2", region_name="eu-west-1").disable_macie()
    result = scan(aws, RULE, regions=["eu-west-1", "us-east-1"])
    assert finding(result, RULE, "us-east-1").status is Status.PASS
    off = finding(result, RULE, "eu-west-1")
    assert off.status is Status.FAIL
    assert off.evidence == {"macie_status": "NOT_ENABLED"}


def test_paused_fails(aws):
    aws.client("macie2").enable_macie(status="PAUSED")
    paused = finding(scan(aws, RULE), RULE, "us-east-1")
    assert paused.status is Status.FAIL
    assert paused.message == "Amazon Macie is not running in the region (status: PAUSED)."


@pytest.fixture
def macie(aws, monkeypatch):
    with FakeAws.serving() as fake:
        yield fake.serve(monkeypatch, "macie2")


def test_never_enabled_as_aws_answers_fails(aws, macie):
    """AWS says "Macie is not enabled" with AccessDeniedException: that message alone means no session."""
    macie.reply("macie2", "GetMacieSession", aws_error(403, "AccessDeniedException", "Macie is not enabled."))
    never = finding(scan(aws, RULE), RULE, "us-east-1")
    assert never.status is Status.FAIL
    assert never.evidence["macie_status"] == "NOT_ENABLED"


def test_a_denied_call_stays_an_error(aws, macie):
    denial = "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: macie2:GetMacieSession"
    macie.reply("macie2", "GetMacieSession", aws_error(403, "AccessDeniedException", denial))
    denied = finding(scan(aws, RULE), RULE, "us-east-1")
    assert denied.status is Status.ERROR
    assert "get_macie_session failed: AccessDeniedException" in denied.message
