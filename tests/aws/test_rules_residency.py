"""Data residency (ISO/IEC 27018 A.12.1): each *_in_allowed_region rule failing and passing on moto.

The allowed regions are a scan parameter, so these tests run the scan with
``ScanParams`` directly. Every rule gets one resource in an allowed region (PASS), one
outside it (FAIL), and no finding at all when no allowed region is configured.
"""

from __future__ import annotations

from collections.abc import Callable

import boto3
import pytest
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from scanner.models import ScanParams, ScanResult, Status
from scanner.rules import load_rules
from tests.support.aws import restricted_session, run
from tests.support.results import finding

ALLOWED = "eu-west-1"
OUTSIDE = "us-east-1"
REGIONS = [OUTSIDE, ALLOWED]
PASSWORD = "DemoOnly-NotASecret-1"

BUCKET = "aws.s3.bucket_in_allowed_region"
VOLUME = "aws.ec2.volume_in_allowed_region"
EBS_SNAPSHOT = "aws.ec2.snapshot_in_allowed_region"
DB_INSTANCE = "aws.rds.instance_in_allowed_region"
DB_SNAPSHOT = "aws.rds.snapshot_in_allowed_region"
FILE_SYSTEM = "aws.efs.file_system_in_allowed_region"
TABLE = "aws.dynamodb.table_in_allowed_region"
LOG_GROUP = "aws.logs.log_group_in_allowed_region"


def scan_allowing(session: boto3.Session, rule_id: str, allowed: tuple[str, ...]) -> ScanResult:
    rules = [rule for rule in load_rules() if rule.id == rule_id]
    assert len(rules) == 1, f"unknown rule id {rule_id}"
    return run(session, rules, regions=REGIONS, params=ScanParams(allowed_regions=allowed), max_workers=4)


# Each setup creates one resource in ``region`` and returns its resource id.


def _bucket(session: boto3.Session, region: str) -> str:
    name = f"data-{region}"
    s3 = session.client("s3", region_name=region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    return name


def _volume(session: boto3.Session, region: str) -> str:
    ec2 = session.client("ec2", region_name=region)
    return ec2.create_volume(AvailabilityZone=f"{region}a", Size=1)["VolumeId"]


def _ebs_snapshot(session: boto3.Session, region: str) -> str:
    ec2 = session.client("ec2", region_name=region)
    return ec2.create_snapshot(VolumeId=_volume(session, region))["SnapshotId"]


def _db_instance(session: boto3.Session, region: str) -> str:
    name = f"db-{region}"
    session.client("rds", region_name=region).create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="dbadmin",
        MasterUserPassword=PASSWORD,
        AllocatedStorage=20,
    )
    return name


def _db_snapshot(session: boto3.Session, region: str) -> str:
    name = f"snap-{region}"
    rds = session.client("rds", region_name=region)
    rds.create_db_snapshot(DBInstanceIdentifier=_db_instance(session, region), DBSnapshotIdentifier=name)
    return name


def _file_system(session: boto3.Session, region: str) -> str:
    efs = session.client("efs", region_name=region)
    return efs.create_file_system(CreationToken=f"share-{region}")["FileSystemId"]


def _table(session: boto3.Session, region: str) -> str:
    name = f"orders-{region}"
    session.client("dynamodb", region_name=region).create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _log_group(session: boto3.Session, region: str) -> str:
    name = f"/app/{region}"
    session.client("logs", region_name=region).create_log_group(logGroupName=name)
    return name


CASES: dict[str, Callable[[boto3.Session, str], str]] = {
    BUCKET: _bucket,
    VOLUME: _volume,
    EBS_SNAPSHOT: _ebs_snapshot,
    DB_INSTANCE: _db_instance,
    DB_SNAPSHOT: _db_snapshot,
    FILE_SYSTEM: _file_system,
    TABLE: _table,
    LOG_GROUP: _log_group,
}


def test_every_residency_rule_is_covered():
    found = {rule.id for rule in load_rules() if rule.id.endswith("_in_allowed_region")}
    assert found == set(CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_resource_outside_the_allowed_regions_fails(aws, rule_id):
    inside = CASES[rule_id](aws, ALLOWED)
    outside = CASES[rule_id](aws, OUTSIDE)
    result = scan_allowing(aws, rule_id, (ALLOWED,))

    good = finding(result, rule_id, inside)
    assert good.status is Status.PASS
    assert good.resource.region == ALLOWED
    assert f"is in {ALLOWED}, an allowed region ({ALLOWED})" in good.message

    bad = finding(result, rule_id, outside)
    assert bad.status is Status.FAIL
    assert bad.resource.region == OUTSIDE
    assert f"is in {OUTSIDE}, outside the allowed regions ({ALLOWED})" in bad.message

    expected = {"resource.region": OUTSIDE, "params.allowed_regions": [ALLOWED]}
    if rule_id == BUCKET:
        expected["bucket_region"] = OUTSIDE
    assert bad.evidence == expected
    assert {f.resource.id for f in result.findings if f.rule_id == rule_id} == {inside, outside}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_every_allowed_region_counts(aws, rule_id):
    CASES[rule_id](aws, ALLOWED)
    CASES[rule_id](aws, OUTSIDE)
    result = scan_allowing(aws, rule_id, (ALLOWED, OUTSIDE))
    statuses = [f.status for f in result.findings if f.rule_id == rule_id]
    assert statuses == [Status.PASS, Status.PASS]


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_no_allowed_regions_configured_means_no_finding(aws, rule_id):
    CASES[rule_id](aws, ALLOWED)
    CASES[rule_id](aws, OUTSIDE)
    result = scan_allowing(aws, rule_id, ())
    assert [f for f in result.findings if f.rule_id == rule_id] == []
    default = run(aws, [r for r in load_rules() if r.id == rule_id], regions=REGIONS)
    assert default.findings == ()


# set-up makes 5 calls as the (unrestricted) root before enforcement starts
@set_initial_no_auth_action_count(5)
def _scan_without_bucket_location(allowed: tuple[str, ...]) -> ScanResult:
    admin = boto3.Session(region_name="us-east-1")
    _bucket(admin, ALLOWED)
    actions = ["sts:GetCallerIdentity", "s3:ListAllMyBuckets"]
    auditor = restricted_session(admin, actions, policy_name="no-bucket-location")
    return scan_allowing(auditor, BUCKET, allowed)


def test_unreadable_bucket_location_is_an_error_not_a_guess():
    # Without its location the collector places a bucket in us-east-1; with us-east-1 allowed
    # the eu-west-1 bucket would silently PASS if the rule did not also read bucket_region.
    with mock_aws():
        result = _scan_without_bucket_location((OUTSIDE,))
    bucket = finding(result, BUCKET, f"data-{ALLOWED}")
    assert bucket.status is Status.ERROR
    assert "get_bucket_location failed: AccessDenied" in bucket.message
