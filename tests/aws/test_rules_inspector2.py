"""The Amazon Inspector rule failing and passing on moto, and reading AWS's answer shapes."""

from __future__ import annotations

import pytest

from scanner.models import Status
from tests.support.aws import scan
from tests.support.fake_aws import FakeAws, access_denied, ok
from tests.support.results import finding

RULE = "aws.inspector2.scanning_enabled"
ACCOUNT = "123456789012"


def _status(state: str, ec2: str, ecr: str, lambda_: str) -> dict:
    return {
        "state": {"status": state},
        "resourceState": {
            "ec2": {"status": ec2},
            "ecr": {"status": ecr},
            "lambda": {"status": lambda_},
            "lambdaCode": {"status": "DISABLED"},
        },
    }


def test_lambda_scanning_off_fails(aws):
    aws.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["EC2", "ECR"])
    partial = finding(scan(aws, RULE), RULE, "us-east-1")
    assert partial.status is Status.FAIL
    assert partial.evidence == {
        "inspector_status": "ENABLED",
        "scan_status": {"EC2": "ENABLED", "ECR": "ENABLED", "Lambda": "DISABLED"},
        "inactive_scan_types": ["Lambda"],
    }
    assert partial.message.startswith("Amazon Inspector does not scan Lambda ")


def test_all_scan_types_pass(aws):
    aws.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["EC2", "ECR", "LAMBDA"])
    result = scan(aws, RULE, regions=["us-east-1", "eu-west-1"])
    assert finding(result, RULE, "us-east-1").status is Status.PASS
    # moto answers an account that never activated Inspector with no entry at all; AWS with DISABLED
    # statuses (next test). Both read as nothing scanned.
    never = finding(result, RULE, "eu-west-1")
    assert never.status is Status.FAIL
    assert never.evidence["inactive_scan_types"] == ["EC2", "ECR", "Lambda"]


@pytest.fixture
def inspector(aws, monkeypatch):
    with FakeAws.serving() as fake:
        yield fake.serve(monkeypatch, "inspector2")


def test_never_activated_as_aws_answers(aws, inspector):
    body = {"accounts": [{"accountId": ACCOUNT, **_status("DISABLED", "DISABLED", "DISABLED", "DISABLED")}]}
    inspector.reply("inspector2", "BatchGetAccountStatus", ok(body))
    never = finding(scan(aws, RULE), RULE, "us-east-1")
    assert never.status is Status.FAIL
    assert never.evidence["inspector_status"] == "DISABLED"
    assert never.evidence["inactive_scan_types"] == ["EC2", "ECR", "Lambda"]


def test_failed_account_entry_is_read_from_its_statuses(aws, inspector):
    failed = {
        "accountId": ACCOUNT,
        "errorCode": "ACCESS_DENIED",
        "errorMessage": "Access denied",
        "status": "ENABLED",
        "resourceStatus": {"ec2": "ENABLED", "ecr": "ENABLED", "lambda": "ENABLED", "lambdaCode": "DISABLED"},
    }
    inspector.reply("inspector2", "BatchGetAccountStatus", ok({"accounts": [], "failedAccounts": [failed]}))
    read = finding(scan(aws, RULE), RULE, "us-east-1")
    assert read.status is Status.PASS
    assert read.evidence["scan_status"] == {"EC2": "ENABLED", "ECR": "ENABLED", "Lambda": "ENABLED"}


def test_denied_call_is_error(aws, inspector):
    inspector.reply("inspector2", "BatchGetAccountStatus", access_denied("inspector2", "BatchGetAccountStatus"))
    denied = finding(scan(aws, RULE), RULE, "us-east-1")
    assert denied.status is Status.ERROR
    assert "batch_get_account_status failed: AccessDeniedException" in denied.message
