"""The real SDK against moto server on 127.0.0.1, reached through AWS_ENDPOINT_URL."""

from __future__ import annotations

import boto3

from scanner.models import Status
from scanner.rules import load_rules
from scanner.scan import select_rules
from tests.support.aws import run


def test_scan_honours_aws_endpoint_url(moto_server):
    session = boto3.Session(region_name="us-east-1")
    s3 = session.client("s3")
    s3.create_bucket(Bucket="server-bucket")
    s3.put_bucket_versioning(Bucket="server-bucket", VersioningConfiguration={"Status": "Enabled"})
    rules = select_rules(load_rules(), "aws", include=["aws.s3.*"])
    result = run(session, rules, regions=["us-east-1"])
    assert not result.errors, result.errors
    statuses = {(f.rule_id, f.resource.id): f.status for f in result.findings}
    assert statuses[("aws.s3.bucket_versioning_enabled", "server-bucket")] is Status.PASS
    assert statuses[("aws.s3.bucket_public_access_blocked", "server-bucket")] is Status.FAIL
    assert statuses[("aws.s3.account_public_access_blocked", result.scan.account)] is Status.FAIL


def test_service_specific_endpoint_override(moto_server, monkeypatch):
    """AWS_ENDPOINT_URL_<SERVICE> wins over AWS_ENDPOINT_URL: a dead S3 endpoint shows up as an error."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
    rules = select_rules(load_rules(), "aws", include=["aws.s3.bucket_*"])
    result = run(boto3.Session(region_name="us-east-1"), rules, regions=["us-east-1"])
    assert [error.service for error in result.errors] == ["s3"]
    assert {f.status for f in result.findings} == {Status.ERROR}
