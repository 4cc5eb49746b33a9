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


# --- CloudWatch Logs delivery, S3 data events, the trail's bucket ------------------------------------

CLOUDWATCH = "aws.cloudtrail.trail_cloudwatch_logs"
DATA_EVENTS = "aws.cloudtrail.s3_data_events"
BUCKET_PROTECTED = "aws.cloudtrail.trail_bucket_protected"


def test_trail_cloudwatch_logs(aws):
    bucket = _bucket(aws)
    aws.client("logs").create_log_group(logGroupName="trail-events")
    arn = aws.client("logs").describe_log_groups(logGroupNamePrefix="trail-events")["logGroups"][0]["arn"]
    ct = aws.client("cloudtrail")
    ct.create_trail(Name="s3-only-trail", S3BucketName=bucket)
    ct.create_trail(
        Name="cloudwatch-trail",
        S3BucketName=bucket,
        CloudWatchLogsLogGroupArn=arn,
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/cloudtrail-to-cloudwatch",
    )
    result = scan(aws, CLOUDWATCH)
    failed = finding(result, CLOUDWATCH, "s3-only-trail")
    assert failed.status is Status.FAIL
    assert failed.evidence["cloudwatch_logs_log_group_arn"] is None
    passed = finding(result, CLOUDWATCH, "cloudwatch-trail")
    assert passed.status is Status.PASS
    assert passed.evidence["cloudwatch_logs_log_group_arn"] == arn


def test_cloudwatch_delivery_time_and_error_from_the_trail_status():
    # moto's GetTrailStatus reports no CloudWatch Logs delivery; the normalizer reads AWS's fields.
    from datetime import datetime, timedelta, timezone

    from scanner.providers.aws.services.cloudtrail import TRAIL

    status = next(detail for detail in TRAIL.details if detail.name == "status").normalize
    now = datetime.now(timezone.utc)
    fresh = status({"IsLogging": True, "LatestCloudWatchLogsDeliveryTime": now - timedelta(hours=2)})
    assert fresh["cloudwatch_logs_delivered_recently"] is True
    stale = status(
        {
            "IsLogging": True,
            "LatestCloudWatchLogsDeliveryTime": now - timedelta(days=3),
            "LatestCloudWatchLogsDeliveryError": "AccessDeniedException",
        }
    )
    assert stale["cloudwatch_logs_delivered_recently"] is False
    assert stale["cloudwatch_logs_delivery_error"] == "AccessDeniedException"
    assert status(None)["cloudwatch_logs_delivered_recently"] is None


def _multi_region_trail(session, name="global-trail", bucket=None):
    bucket = bucket or _bucket(session)
    ct = session.client("cloudtrail")
    ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=True)
    ct.start_logging(Name=name)
    return ct


def test_s3_data_events_fail_without_selectors_and_pass_with_all_buckets(aws):
    ct = _multi_region_trail(aws)
    result = scan(aws, DATA_EVENTS)
    failed = finding(result, DATA_EVENTS, result.scan.account)
    assert failed.status is Status.FAIL
    assert failed.evidence["s3_read_events_trails"] == []

    ct.put_event_selectors(
        TrailName="global-trail",
        EventSelectors=[
            {
                "ReadWriteType": "WriteOnly",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            },
            {
                "ReadWriteType": "ReadOnly",
                "IncludeManagementEvents": False,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::customer-exports/"]}],
            },
        ],
    )
    result = scan(aws, DATA_EVENTS)
    scoped = finding(result, DATA_EVENTS, result.scan.account)
    assert scoped.status is Status.FAIL
    assert scoped.evidence["s3_write_events_trails"] == ["global-trail (us-east-1)"]
    assert scoped.evidence["s3_data_events_scoped_trails"] == [
        "global-trail (us-east-1): arn:aws:s3:::customer-exports/"
    ]

    ct.put_event_selectors(
        TrailName="global-trail",
        AdvancedEventSelectors=[
            {"Name": "Management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
            {
                "Name": "S3 objects",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                ],
            },
        ],
    )
    result = scan(aws, DATA_EVENTS)
    passed = finding(result, DATA_EVENTS, result.scan.account)
    assert passed.status is Status.PASS
    assert passed.evidence["s3_read_events_trails"] == ["global-trail (us-east-1)"]


def test_s3_data_event_selectors_basic_and_advanced():
    from scanner.providers.aws.services.cloudtrail import _s3_data_events

    advanced_read_only = {
        "AdvancedEventSelectors": [
            {
                "Name": "reads",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "readOnly", "Equals": ["true"]},
                ],
            }
        ]
    }
    assert _s3_data_events(advanced_read_only) == {
        "s3_data_events_read": True,
        "s3_data_events_write": False,
        "s3_data_events_scoped": [],
    }
    one_bucket = {
        "AdvancedEventSelectors": [
            {
                "Name": "exports",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::customer-exports/"]},
                ],
            }
        ]
    }
    assert _s3_data_events(one_bucket)["s3_data_events_scoped"] == ["advanced selector exports"]
    assert not _s3_data_events(one_bucket)["s3_data_events_read"]
    lambda_only = {
        "EventSelectors": [{"DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}]
    }
    assert _s3_data_events(lambda_only)["s3_data_events_write"] is False


def test_trail_bucket_protected(aws):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="plain-trail-bucket")
    s3.create_bucket(Bucket="locked-trail-bucket", ObjectLockEnabledForBucket=True)
    s3.create_bucket(Bucket="access-log-bucket")
    s3.put_bucket_acl(
        Bucket="access-log-bucket",
        GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
        GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
    )
    s3.put_bucket_logging(
        Bucket="locked-trail-bucket",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "access-log-bucket", "TargetPrefix": "trail/"}},
    )
    ct = aws.client("cloudtrail")
    ct.create_trail(Name="locked-trail", S3BucketName="locked-trail-bucket")
    result = scan(aws, BUCKET_PROTECTED)
    passed = finding(result, BUCKET_PROTECTED, result.scan.account)
    assert passed.status is Status.PASS, passed.message
    assert passed.evidence["protected_trail_buckets"] == ["locked-trail-bucket (trails locked-trail (us-east-1))"]

    ct.create_trail(Name="plain-trail", S3BucketName="plain-trail-bucket")
    result = scan(aws, BUCKET_PROTECTED)
    failed = finding(result, BUCKET_PROTECTED, result.scan.account)
    assert failed.status is Status.FAIL
    assert failed.evidence["unprotected_trail_buckets"] == [
        "plain-trail-bucket (trails plain-trail (us-east-1)): "
        "no server access logging; neither Object Lock nor MFA delete"
    ]


def test_a_trail_bucket_of_another_account_is_an_error(aws):
    # moto accepts a trail whose bucket this account does not own (a central log archive).
    aws.client("cloudtrail").create_trail(Name="org-archive-trail", S3BucketName=_bucket(aws, "central-archive-bucket"))
    aws.client("s3").delete_bucket(Bucket="central-archive-bucket")
    result = scan(aws, BUCKET_PROTECTED)
    errored = finding(result, BUCKET_PROTECTED, result.scan.account)
    assert errored.status is Status.ERROR
    assert "central-archive-bucket" in errored.evidence["trail_buckets_unknown"][0]
