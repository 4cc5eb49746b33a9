"""Each CloudTrail rule failing and passing on a moto account, including the account-wide aggregate."""

from __future__ import annotations

import boto3
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from scanner.models import Status
from tests.support.aws import restricted_session, scan
from tests.support.results import finding, status_of

VALIDATION = "aws.cloudtrail.trail_log_file_validation"
KMS = "aws.cloudtrail.trail_kms_encrypted"
ACCOUNT = "aws.cloudtrail.multi_region_trail_logging"


def _bucket(session, name="trail-logs-bucket"):
    session.client("s3").create_bucket(Bucket=name)
    return name


def test_trail_validation_and_kms(aws):
    bucket = _bucket(aws)
    ct = aws.client("cloudtrail")
    ct.create_trail(Name="plain-trail", S3BucketName=bucket)
    ct.create_trail(
        Name="hardened-trail", S3BucketName=bucket, EnableLogFileValidation=True, KmsKeyId="alias/cloudtrail"
    )
    result = scan(aws, VALIDATION, KMS)
    plain_validation = finding(result, VALIDATION, "plain-trail")
    assert plain_validation.status is Status.FAIL
    assert plain_validation.evidence == {"log_file_validation": False}
    plain_kms = finding(result, KMS, "plain-trail")
    assert plain_kms.status is Status.FAIL
    assert plain_kms.evidence == {"kms_key_id": None}
    assert status_of(result, VALIDATION, "hardened-trail") is Status.PASS
    hardened_kms = finding(result, KMS, "hardened-trail")
    assert hardened_kms.status is Status.PASS
    assert hardened_kms.evidence["kms_key_id"].endswith("alias/cloudtrail")


def test_account_without_trails_fails(aws):
    result = scan(aws, ACCOUNT)
    account = finding(result, ACCOUNT, result.scan.account)
    assert account.status is Status.FAIL
    assert account.evidence["trail_count"] == 0
    assert account.evidence["multi_region_logging"] is False


def test_account_needs_a_multi_region_trail_that_is_logging(aws):
    bucket = _bucket(aws)
    ct = aws.client("cloudtrail")
    ct.create_trail(Name="local-trail", S3BucketName=bucket)
    ct.start_logging(Name="local-trail")
    ct.create_trail(Name="global-trail", S3BucketName=bucket, IsMultiRegionTrail=True)

    result = scan(aws, ACCOUNT)
    stopped = finding(result, ACCOUNT, result.scan.account)
    assert stopped.status is Status.FAIL
    assert stopped.evidence["multi_region_logging_trails"] == []
    assert stopped.evidence["multi_region_trails_not_logging"] == ["global-trail (us-east-1)"]
    assert stopped.evidence["trail_count"] == 2

    ct.start_logging(Name="global-trail")
    result = scan(aws, ACCOUNT)
    logging = finding(result, ACCOUNT, result.scan.account)
    assert logging.status is Status.PASS
    assert logging.evidence["multi_region_logging"] is True
    assert logging.evidence["multi_region_logging_trails"] == ["global-trail (us-east-1)"]


def test_multi_region_trail_is_seen_once_in_its_home_region(aws):
    bucket = _bucket(aws)
    eu = aws.client("cloudtrail", region_name="eu-west-1")
    eu.create_trail(Name="eu-home-trail", S3BucketName=bucket, IsMultiRegionTrail=True, EnableLogFileValidation=True)
    eu.start_logging(Name="eu-home-trail")
    result = scan(aws, VALIDATION, ACCOUNT, regions=["eu-west-1", "us-east-1"])
    trail = finding(result, VALIDATION, "eu-home-trail")
    assert trail.status is Status.PASS
    assert trail.resource.region == "eu-west-1"
    account = finding(result, ACCOUNT, result.scan.account)
    assert account.status is Status.PASS
    assert account.evidence["multi_region_logging_trails"] == ["eu-home-trail (eu-west-1)"]


# Set-up: create_bucket, create_trail, start_logging, create_user, put_user_policy,
# create_access_key run before enforcement starts.
@set_initial_no_auth_action_count(6)
def _scan_without_trail_status():
    admin = boto3.Session(region_name="us-east-1")
    bucket = _bucket(admin)
    ct = admin.client("cloudtrail")
    ct.create_trail(Name="global-trail", S3BucketName=bucket, IsMultiRegionTrail=True)
    ct.start_logging(Name="global-trail")
    allowed = ["sts:GetCallerIdentity", "cloudtrail:DescribeTrails"]
    auditor = restricted_session(admin, allowed, policy_name="no-trail-status")
    return scan(auditor, ACCOUNT, VALIDATION)


def test_unreadable_trail_status_makes_the_account_rule_error_not_fail():
    with mock_aws():
        result = _scan_without_trail_status()
    account = finding(result, ACCOUNT, result.scan.account)
    assert account.status is Status.ERROR
    assert account.evidence["trails_status_unknown"] == ["global-trail (us-east-1)"]
    # Rules that do not need the trail status still evaluate.
    assert status_of(result, VALIDATION, "global-trail") is Status.FAIL
