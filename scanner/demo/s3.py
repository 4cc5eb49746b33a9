"""Demo S3: a public, unencrypted bucket beside a locked-down one."""

from __future__ import annotations

import json

import boto3

BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def plant(session: boto3.Session, regions: list[str]) -> None:
    s3 = session.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="demo-public-website")
    s3.put_bucket_acl(Bucket="demo-public-website", ACL="public-read")
    s3.put_bucket_policy(
        Bucket="demo-public-website",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "PublicRead",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::demo-public-website/*",
                    }
                ],
            }
        ),
    )

    secure = "demo-customer-records"
    eu = session.client("s3", region_name=regions[0])
    eu.create_bucket(Bucket="demo-access-logs", CreateBucketConfiguration={"LocationConstraint": regions[0]})
    eu.put_bucket_acl(
        Bucket="demo-access-logs",
        GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
        GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
    )
    eu.put_public_access_block(Bucket="demo-access-logs", PublicAccessBlockConfiguration=BLOCK_ALL)
    eu.create_bucket(Bucket=secure, CreateBucketConfiguration={"LocationConstraint": regions[0]})
    eu.put_public_access_block(Bucket=secure, PublicAccessBlockConfiguration=BLOCK_ALL)
    eu.put_bucket_versioning(Bucket=secure, VersioningConfiguration={"Status": "Enabled"})
    eu.put_bucket_encryption(
        Bucket=secure,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/demo-data"}}
            ]
        },
    )
    eu.put_bucket_logging(
        Bucket=secure,
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "demo-access-logs", "TargetPrefix": f"{secure}/"}},
    )
    eu.put_bucket_policy(
        Bucket=secure,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [f"arn:aws:s3:::{secure}", f"arn:aws:s3:::{secure}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        ),
    )
    eu.put_bucket_tagging(Bucket=secure, Tagging={"TagSet": [{"Key": "data-classification", "Value": "pii"}]})
