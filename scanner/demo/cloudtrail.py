"""Demo CloudTrail: one single-region trail, no log validation, no KMS, so no trail covers the account.

The trail delivers to a CloudWatch Logs log group (kept a year), where ``cloudwatch`` plants one
CIS metric filter and alarm: they would work once a multi-region trail delivered there.
"""

from __future__ import annotations

import boto3

TRAIL_BUCKET = "demo-cloudtrail-logs"
TRAIL_LOG_GROUP = "demo-cloudtrail-events"


def plant(session: boto3.Session, regions: list[str]) -> None:
    home = regions[-1]
    s3 = session.client("s3", region_name=home)
    s3.create_bucket(Bucket=TRAIL_BUCKET)
    s3.put_public_access_block(
        Bucket=TRAIL_BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    logs = session.client("logs", region_name=home)
    logs.create_log_group(logGroupName=TRAIL_LOG_GROUP)
    logs.put_retention_policy(logGroupName=TRAIL_LOG_GROUP, retentionInDays=365)
    group_arn = logs.describe_log_groups(logGroupNamePrefix=TRAIL_LOG_GROUP)["logGroups"][0]["arn"]
    account = session.client("sts", region_name=home).get_caller_identity()["Account"]
    cloudtrail = session.client("cloudtrail", region_name=home)
    cloudtrail.create_trail(
        Name="demo-single-region-trail",
        S3BucketName=TRAIL_BUCKET,
        CloudWatchLogsLogGroupArn=group_arn,
        CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/demo-cloudtrail-to-cloudwatch",
    )
    cloudtrail.start_logging(Name="demo-single-region-trail")
