"""Demo CloudTrail: one single-region trail, no log validation, no KMS, so no trail covers the account."""

from __future__ import annotations

import boto3

TRAIL_BUCKET = "demo-cloudtrail-logs"


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
    cloudtrail = session.client("cloudtrail", region_name=home)
    cloudtrail.create_trail(Name="demo-single-region-trail", S3BucketName=TRAIL_BUCKET)
    cloudtrail.start_logging(Name="demo-single-region-trail")
