"""The security contact rule failing, passing and erring on a moto account."""

from __future__ import annotations

import boto3
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from scanner.models import Status
from tests.support.aws import restricted_session, scan
from tests.support.results import finding

RULE = "aws.account.security_contact_registered"
ACCOUNT = "123456789012"


def _register(session: boto3.Session, kind: str = "SECURITY") -> None:
    session.client("account").put_alternate_contact(
        AlternateContactType=kind,
        Name="Security operations",
        Title="SOC",
        EmailAddress="soc@example.com",
        PhoneNumber="+1-555-0100",
    )


def test_no_security_contact_fails(aws):
    _register(aws, "BILLING")
    missing = finding(scan(aws, RULE), RULE, ACCOUNT)
    assert missing.status is Status.FAIL
    assert missing.resource.region == "global"
    assert missing.evidence == {"security_contact_registered": False}


def test_security_contact_passes_without_reporting_who(aws):
    _register(aws)
    result = scan(aws, RULE)
    registered = finding(result, RULE, ACCOUNT)
    assert registered.status is Status.PASS
    assert "soc@example.com" not in result.model_dump_json(), "the contact's details are personal data"


# Set-up: put_alternate_contact, create_user, put_user_policy, create_access_key run before enforcement starts.
@set_initial_no_auth_action_count(4)
def _scan_without_permission():
    admin = boto3.Session(region_name="us-east-1")
    _register(admin)
    auditor = restricted_session(admin, ["sts:GetCallerIdentity"])
    return scan(auditor, RULE)


def test_denied_call_is_error_not_fail():
    with mock_aws():
        result = _scan_without_permission()
    denied = finding(result, RULE, ACCOUNT)
    assert denied.status is Status.ERROR
    assert "get_alternate_contact failed" in denied.message
