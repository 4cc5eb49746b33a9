"""The CIS monitoring family on a moto account: trail -> log group -> metric filter -> alarm -> subscribed topic."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from scanner.models import Status
from scanner.providers.aws.cis_monitoring import EVENT_CLASSES
from tests.support.aws import restricted_session, scan
from tests.support.results import finding

RULES = {event_class.key: f"aws.cloudwatch.alarm_{event_class.key}" for event_class in EVENT_CLASSES}
LOG_GROUP = "aws-cloudtrail-logs-monitoring"
BUCKET = "monitoring-trail-bucket"


def _trail(session, *, multi_region=True, logging=True, region="us-east-1"):
    logs = session.client("logs", region_name=region)
    logs.create_log_group(logGroupName=LOG_GROUP)
    arn = logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"][0]["arn"]
    session.client("s3").create_bucket(Bucket=BUCKET)
    cloudtrail = session.client("cloudtrail", region_name=region)
    cloudtrail.create_trail(
        Name="management-events",
        S3BucketName=BUCKET,
        IsMultiRegionTrail=multi_region,
        CloudWatchLogsLogGroupArn=arn,
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/cloudtrail-to-cloudwatch",
    )
    if logging:
        cloudtrail.start_logging(Name="management-events")


def _topic(session, name="security-alerts", subscribed=True):
    sns = session.client("sns")
    topic = sns.create_topic(Name=name)["TopicArn"]
    if subscribed:
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security-team@example.com")
    return topic


def _superset(pattern: str) -> str:
    """The CIS pattern with one more alternative: it matches more events, so it still covers CIS."""
    return "{ (" + pattern.strip()[1:-1] + ') || ($.eventName = "SomethingElse") }'


def _chain(session, key, *, pattern=None, alarm=True, actions=None, actions_enabled=True):
    event_class = next(event_class for event_class in EVENT_CLASSES if event_class.key == key)
    session.client("logs").put_metric_filter(
        logGroupName=LOG_GROUP,
        filterName=f"cis-{key}",
        filterPattern=pattern if pattern is not None else _superset(event_class.patterns[-1]),
        metricTransformations=[{"metricName": key, "metricNamespace": "CISBenchmark", "metricValue": "1"}],
    )
    if alarm:
        session.client("cloudwatch").put_metric_alarm(
            AlarmName=f"cis-{key}",
            MetricName=key,
            Namespace="CISBenchmark",
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            ActionsEnabled=actions_enabled,
            AlarmActions=actions or [],
        )


@pytest.mark.parametrize("key", list(RULES))
def test_a_complete_chain_passes_its_class_only(aws, key):
    _trail(aws)
    _chain(aws, key, actions=[_topic(aws)])
    result = scan(aws, *RULES.values())
    account = result.scan.account
    passed = finding(result, RULES[key], account)
    assert passed.status is Status.PASS, passed.message
    assert passed.evidence[key] is True
    assert f"feeds alarm cis-{key}" in passed.message
    assert "1 confirmed subscription" in passed.message
    others = [other for other in RULES if other != key]
    for other in others:
        failed = finding(result, RULES[other], account)
        assert failed.status is Status.FAIL, (other, failed.message)
        assert "No metric filter on log group" in failed.message


def test_without_a_trail_delivering_to_cloudwatch_every_class_fails(aws):
    aws.client("logs").create_log_group(logGroupName=LOG_GROUP)
    for key in RULES:
        _chain(aws, key, actions=[_topic(aws)])
    result = scan(aws, *RULES.values())
    for rule_id in RULES.values():
        failed = finding(result, rule_id, result.scan.account)
        assert failed.status is Status.FAIL
        assert "No multi-region trail that is logging delivers to CloudWatch Logs" in failed.message


@pytest.mark.parametrize(("multi_region", "logging"), [(False, True), (True, False)])
def test_the_trail_must_be_multi_region_and_logging(aws, multi_region, logging):
    _trail(aws, multi_region=multi_region, logging=logging)
    _chain(aws, "root_usage", actions=[_topic(aws)])
    result = scan(aws, RULES["root_usage"])
    failed = finding(result, RULES["root_usage"], result.scan.account)
    assert failed.status is Status.FAIL
    assert "No multi-region trail that is logging" in failed.message


def test_broken_chains_fail_naming_the_missing_link(aws):
    _trail(aws)
    subscribed, silent = _topic(aws), _topic(aws, "nobody-listens", subscribed=False)
    _chain(aws, "root_usage", alarm=False)
    _chain(aws, "iam_policy_changes", actions=[])
    _chain(aws, "cloudtrail_changes", actions=[subscribed], actions_enabled=False)
    _chain(aws, "vpc_changes", actions=[silent])
    # narrower than CIS: one event of the class missing
    _chain(
        aws,
        "console_auth_failures",
        pattern='{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication")'
        ' && ($.userIdentity.type = "IAMUser") }',
        actions=[subscribed],
    )
    result = scan(aws, *RULES.values())
    account = result.scan.account

    def message(key):
        found = finding(result, RULES[key], account)
        assert found.status is Status.FAIL, (key, found.message)
        return found.message

    assert "but no alarm watches CISBenchmark/root_usage" in message("root_usage")
    assert "has no enabled SNS action" in message("iam_policy_changes")
    assert "has no enabled SNS action" in message("cloudtrail_changes")
    assert f"notifies {silent}, which has no confirmed subscription" in message("vpc_changes")
    assert "No metric filter on log group" in message("console_auth_failures")


def test_a_log_group_in_an_unscanned_region_is_an_error_not_a_fail(aws):
    aws.client("s3").create_bucket(Bucket=BUCKET)
    cloudtrail = aws.client("cloudtrail")
    cloudtrail.create_trail(
        Name="management-events",
        S3BucketName=BUCKET,
        IsMultiRegionTrail=True,
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:eu-west-1:123456789012:log-group:{LOG_GROUP}:*",
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/cloudtrail-to-cloudwatch",
    )
    cloudtrail.start_logging(Name="management-events")
    result = scan(aws, RULES["root_usage"])
    errored = finding(result, RULES["root_usage"], result.scan.account)
    assert errored.status is Status.ERROR
    assert "is in eu-west-1, which was not scanned" in errored.evidence["root_usage_detail"]


# Set-up: create_log_group, describe_log_groups, create_bucket, create_trail, start_logging, then
# restricted_session's create_user, put_user_policy, create_access_key run before enforcement starts.
@set_initial_no_auth_action_count(8)
def _scan_without_describe_alarms():
    admin = boto3.Session(region_name="us-east-1")
    _trail(admin)
    allowed = [
        "sts:GetCallerIdentity",
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "s3:GetBucketObjectLockConfiguration",
        "logs:DescribeMetricFilters",
        "sns:ListSubscriptions",
    ]
    auditor = restricted_session(admin, allowed, policy_name="no-describe-alarms")
    return scan(auditor, RULES["root_usage"])


def test_denied_describe_alarms_is_an_error():
    with mock_aws():
        result = _scan_without_describe_alarms()
    errored = finding(result, RULES["root_usage"], result.scan.account)
    assert errored.status is Status.ERROR
    assert errored.evidence["root_usage"] is None
    assert "describe_alarms failed: AccessDenied" in errored.evidence["root_usage_detail"]
