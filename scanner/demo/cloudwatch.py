"""Demo CloudWatch: an application log group kept forever, and one CIS alarm chain (root usage) of fifteen.

The chain (metric filter on the trail's log group, alarm, SNS topic with a subscriber) is
complete, but the demo's only trail is single-region, so every CIS class still fails for want
of a multi-region trail delivering to CloudWatch Logs.
"""

from __future__ import annotations

import boto3

from scanner.demo.cloudtrail import TRAIL_LOG_GROUP

ROOT_USAGE_PATTERN = (
    '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }'
)


def plant(session: boto3.Session, regions: list[str]) -> None:
    home = regions[-1]
    logs = session.client("logs", region_name=home)
    logs.create_log_group(logGroupName="/demo/app/orders")  # no retention, no KMS key
    logs.put_metric_filter(
        logGroupName=TRAIL_LOG_GROUP,
        filterName="cis-root-usage",
        filterPattern=ROOT_USAGE_PATTERN,
        metricTransformations=[{"metricName": "RootUsage", "metricNamespace": "CISBenchmark", "metricValue": "1"}],
    )
    sns = session.client("sns", region_name=home)
    topic = sns.create_topic(Name="demo-security-alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security-team@example.com")
    session.client("cloudwatch", region_name=home).put_metric_alarm(
        AlarmName="cis-root-usage",
        MetricName="RootUsage",
        Namespace="CISBenchmark",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[topic],
    )
