"""Each S3 rule failing and passing on a moto account."""

from __future__ import annotations

import json

from scanner.models import Status
from tests.support.aws import scan
from tests.support.results import finding, status_of

BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def _buckets(session, *names):
    s3 = session.client("s3")
    for name in names:
        s3.create_bucket(Bucket=name)
    return s3


def test_bucket_versioning(aws):
    s3 = _buckets(aws, "bad-bucket", "good-bucket")
    s3.put_bucket_versioning(Bucket="good-bucket", VersioningConfiguration={"Status": "Enabled"})
    result = scan(aws, "aws.s3.bucket_versioning_enabled")
    bad = finding(result, "aws.s3.bucket_versioning_enabled", "bad-bucket")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"versioning_status": "Disabled"}
    assert status_of(result, "aws.s3.bucket_versioning_enabled", "good-bucket") is Status.PASS


def test_bucket_access_logging(aws):
    s3 = _buckets(aws, "bad-bucket", "good-bucket", "log-bucket")
    s3.put_bucket_acl(
        Bucket="log-bucket",
        GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
        GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
    )
    s3.put_bucket_logging(
        Bucket="good-bucket",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "log-bucket", "TargetPrefix": "good/"}},
    )
    result = scan(aws, "aws.s3.bucket_access_logging_enabled")
    assert status_of(result, "aws.s3.bucket_access_logging_enabled", "bad-bucket") is Status.FAIL
    good = finding(result, "aws.s3.bucket_access_logging_enabled", "good-bucket")
    assert good.status is Status.PASS
    assert good.evidence["access_log_target"] == "log-bucket"


def test_bucket_public_access_block(aws):
    s3 = _buckets(aws, "bad-bucket", "partial-bucket", "good-bucket")
    s3.put_public_access_block(Bucket="good-bucket", PublicAccessBlockConfiguration=BLOCK_ALL)
    s3.put_public_access_block(
        Bucket="partial-bucket", PublicAccessBlockConfiguration={**BLOCK_ALL, "RestrictPublicBuckets": False}
    )
    result = scan(aws, "aws.s3.bucket_public_access_blocked")
    rule = "aws.s3.bucket_public_access_blocked"
    assert status_of(result, rule, "bad-bucket") is Status.FAIL
    partial = finding(result, rule, "partial-bucket")
    assert partial.status is Status.FAIL
    assert partial.evidence["public_access_block"]["RestrictPublicBuckets"] is False
    assert status_of(result, rule, "good-bucket") is Status.PASS


def test_account_public_access_block_fails_then_passes(aws):
    rule = "aws.s3.account_public_access_blocked"
    result = scan(aws, rule)
    account = result.scan.account
    assert status_of(result, rule, account) is Status.FAIL
    aws.client("s3control").put_public_access_block(AccountId=account, PublicAccessBlockConfiguration=BLOCK_ALL)
    assert status_of(scan(aws, rule), rule, account) is Status.PASS


def _policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_bucket_policy_public(aws):
    s3 = _buckets(aws, "public-bucket", "org-bucket", "nopolicy-bucket")
    s3.put_bucket_policy(
        Bucket="public-bucket",
        Policy=_policy(
            {
                "Sid": "Anyone",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::public-bucket/*",
            }
        ),
    )
    s3.put_bucket_policy(
        Bucket="org-bucket",
        Policy=_policy(
            {
                "Sid": "OrgOnly",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::org-bucket/*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
            }
        ),
    )
    rule = "aws.s3.bucket_policy_not_public"
    result = scan(aws, rule)
    public = finding(result, rule, "public-bucket")
    assert public.status is Status.FAIL
    assert public.evidence == {"public_policy_statements": ["Anyone"]}
    assert status_of(result, rule, "org-bucket") is Status.PASS
    assert status_of(result, rule, "nopolicy-bucket") is Status.PASS


def test_bucket_acl_public(aws):
    s3 = _buckets(aws, "acl-bucket", "private-bucket")
    s3.put_bucket_acl(Bucket="acl-bucket", ACL="public-read")
    rule = "aws.s3.bucket_acl_not_public"
    result = scan(aws, rule)
    public = finding(result, rule, "acl-bucket")
    assert public.status is Status.FAIL
    assert public.evidence == {"acl_public_grants": ["AllUsers:READ"]}
    assert status_of(result, rule, "private-bucket") is Status.PASS


def _encrypt(s3, bucket, algorithm, key=None):
    default = {"SSEAlgorithm": algorithm}
    if key:
        default["KMSMasterKeyID"] = key
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": default}]},
    )


def test_bucket_default_encryption_and_kms(aws):
    s3 = _buckets(aws, "plain-bucket", "sse-s3-bucket", "kms-bucket")
    _encrypt(s3, "sse-s3-bucket", "AES256")
    _encrypt(s3, "kms-bucket", "aws:kms", "alias/data")
    result = scan(aws, "aws.s3.bucket_default_encryption", "aws.s3.bucket_encryption_kms")
    default, kms = "aws.s3.bucket_default_encryption", "aws.s3.bucket_encryption_kms"
    # moto leaves new buckets unencrypted, which real S3 no longer does; both cases are covered.
    assert status_of(result, default, "plain-bucket") is Status.FAIL
    assert status_of(result, default, "sse-s3-bucket") is Status.PASS
    assert status_of(result, default, "kms-bucket") is Status.PASS
    assert status_of(result, kms, "sse-s3-bucket") is Status.FAIL
    assert status_of(result, kms, "plain-bucket") is Status.FAIL
    passing = finding(result, kms, "kms-bucket")
    assert passing.status is Status.PASS
    assert passing.evidence == {"encryption_algorithm": "aws:kms", "encryption_kms_key": "alias/data"}


def test_bucket_tls_only(aws):
    s3 = _buckets(aws, "tls-bucket", "plain-bucket", "otherpolicy-bucket")
    s3.put_bucket_policy(
        Bucket="tls-bucket",
        Policy=_policy(
            {
                "Sid": "DenyInsecure",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::tls-bucket", "arn:aws:s3:::tls-bucket/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ),
    )
    s3.put_bucket_policy(
        Bucket="otherpolicy-bucket",
        Policy=_policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:DeleteBucket",
                "Resource": "arn:aws:s3:::otherpolicy-bucket",
            }
        ),
    )
    rule = "aws.s3.bucket_tls_only"
    result = scan(aws, rule)
    assert status_of(result, rule, "tls-bucket") is Status.PASS
    assert status_of(result, rule, "plain-bucket") is Status.FAIL
    other = finding(result, rule, "otherpolicy-bucket")
    assert other.status is Status.FAIL
    assert other.evidence == {"tls_enforced": False, "has_policy": True}


def test_bucket_region_comes_from_its_location(aws):
    aws.client("s3").create_bucket(Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    result = scan(aws, "aws.s3.bucket_versioning_enabled")
    assert finding(result, "aws.s3.bucket_versioning_enabled", "eu-bucket").resource.region == "eu-west-1"
