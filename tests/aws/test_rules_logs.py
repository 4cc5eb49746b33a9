"""CloudWatch Logs rules on a moto account: retention and KMS, and the region a log group is stored in."""

from __future__ import annotations

import boto3
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from scanner.models import ScanParams, Status
from tests.support.aws import restricted_session, scan
from tests.support.results import finding

RETENTION_KMS = "aws.logs.log_group_retention_and_kms"
REGION = "aws.logs.log_group_in_allowed_region"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_retention_and_kms(aws):
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="/app/forever")
    logs.create_log_group(logGroupName="/app/no-key")
    logs.put_retention_policy(logGroupName="/app/no-key", retentionInDays=30)
    logs.create_log_group(logGroupName="/app/hardened", kmsKeyId=KEY)
    logs.put_retention_policy(logGroupName="/app/hardened", retentionInDays=365)
    result = scan(aws, RETENTION_KMS)
    forever = finding(result, RETENTION_KMS, "/app/forever")
    assert forever.status is Status.FAIL
    assert forever.evidence == {"retention_in_days": None, "kms_key_id": None}
    no_key = finding(result, RETENTION_KMS, "/app/no-key")
    assert no_key.status is Status.FAIL
    assert no_key.evidence == {"retention_in_days": 30, "kms_key_id": None}
    hardened = finding(result, RETENTION_KMS, "/app/hardened")
    assert hardened.status is Status.PASS
    assert hardened.evidence == {"retention_in_days": 365, "kms_key_id": KEY}
    assert hardened.resource.arn == "arn:aws:logs:us-east-1:123456789012:log-group:/app/hardened"


def test_log_group_in_allowed_region(aws):
    aws.client("logs", region_name="eu-west-1").create_log_group(logGroupName="/eu/app")
    aws.client("logs", region_name="us-east-1").create_log_group(logGroupName="/us/app")
    params = ScanParams(allowed_regions=("eu-west-1",))
    result = scan(aws, REGION, regions=["eu-west-1", "us-east-1"], params=params)
    assert finding(result, REGION, "/eu/app").status is Status.PASS
    outside = finding(result, REGION, "/us/app")
    assert outside.status is Status.FAIL
    assert outside.resource.region == "us-east-1"
    # no allowed regions configured: the rule does not apply
    result = scan(aws, REGION, regions=["eu-west-1", "us-east-1"])
    assert [f for f in result.findings if f.rule_id == REGION] == []


# Set-up: create_log_group, then restricted_session's create_user, put_user_policy, create_access_key.
@set_initial_no_auth_action_count(4)
def _scan_without_describe_log_groups():
    admin = boto3.Session(region_name="us-east-1")
    admin.client("logs").create_log_group(logGroupName="/app/hidden")
    auditor = restricted_session(admin, ["sts:GetCallerIdentity"], policy_name="no-logs")
    return scan(auditor, RETENTION_KMS)


def test_denied_listing_is_an_error():
    with mock_aws():
        result = _scan_without_describe_log_groups()
    errors = [found for found in result.findings if found.rule_id == RETENTION_KMS]
    assert [found.status for found in errors] == [Status.ERROR]
    assert "describe_log_groups" in errors[0].message
    assert "AccessDenied" in errors[0].message
