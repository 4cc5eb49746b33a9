"""Each DynamoDB rule failing and passing on a moto account, and the calls a table costs."""

from __future__ import annotations

from collections import Counter

import boto3
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from scanner.models import ScanParams, Status, TagSelector
from tests.support.aws import restricted_session, scan
from tests.support.results import finding, status_of

PITR = "aws.dynamodb.table_pitr_enabled"
DELETION = "aws.dynamodb.table_deletion_protection"
CMK = "aws.dynamodb.personal_data_table_cmk"
IN_REGION = "aws.dynamodb.table_in_allowed_region"
PERSONAL = [{"Key": "data-classification", "Value": "personal"}]


def _table(session, name: str, region: str = "us-east-1", **settings) -> str:
    session.client("dynamodb", region_name=region).create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **settings,
    )
    return name


def test_point_in_time_recovery(aws):
    _table(aws, "no-pitr")
    _table(aws, "with-pitr")
    aws.client("dynamodb").update_continuous_backups(
        TableName="with-pitr", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    result = scan(aws, PITR)
    bad = finding(result, PITR, "no-pitr")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"pitr_enabled": False, "pitr_recovery_period_days": None}
    good = finding(result, PITR, "with-pitr")
    assert good.status is Status.PASS
    assert good.resource.arn == f"arn:aws:dynamodb:us-east-1:{result.scan.account}:table/with-pitr"


def test_deletion_protection(aws):
    _table(aws, "unprotected")
    _table(aws, "protected", DeletionProtectionEnabled=True)
    result = scan(aws, DELETION)
    assert status_of(result, DELETION, "unprotected") is Status.FAIL
    assert status_of(result, DELETION, "protected") is Status.PASS


def test_personal_data_tables_need_a_customer_managed_key(aws):
    key = aws.client("kms").create_key(Description="orders table")["KeyMetadata"]["Arn"]
    _table(aws, "owned-key", Tags=PERSONAL)
    _table(aws, "managed-key", Tags=PERSONAL, SSESpecification={"Enabled": True, "SSEType": "KMS"})
    _table(
        aws, "customer-key", Tags=PERSONAL, SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}
    )
    _table(aws, "not-personal", Tags=[{"Key": "data-classification", "Value": "internal"}])
    result = scan(aws, CMK)

    owned = finding(result, CMK, "owned-key")
    assert owned.status is Status.FAIL
    assert owned.evidence["encryption_key_type"] == "AWS_OWNED"
    assert owned.evidence["tagged.personal_data"] is True
    managed = finding(result, CMK, "managed-key")
    assert managed.status is Status.FAIL
    assert managed.evidence["encryption_key_type"] == "AWS_MANAGED"
    customer = finding(result, CMK, "customer-key")
    assert customer.status is Status.PASS
    assert customer.evidence["kms_key_arn"] == key
    assert {f.resource.id for f in result.findings} == {"owned-key", "managed-key", "customer-key"}


def test_the_personal_data_tag_follows_the_scan_parameters(aws):
    _table(aws, "tagged-pii", Tags=[{"Key": "classification", "Value": "pii"}])
    params = ScanParams(personal_data_tag=TagSelector(key="classification", value="pii"))
    assert status_of(scan(aws, CMK, params=params), CMK, "tagged-pii") is Status.FAIL
    assert scan(aws, CMK).findings == ()


# set-up makes 4 calls as the (unrestricted) root before enforcement starts
@set_initial_no_auth_action_count(4)
def _scan_without_tags():
    admin = boto3.Session(region_name="us-east-1")
    _table(admin, "unreadable-tags", Tags=PERSONAL)
    actions = ["sts:GetCallerIdentity", "dynamodb:ListTables", "dynamodb:DescribeTable"]
    actions += ["dynamodb:DescribeContinuousBackups", "kms:ListAliases"]
    return scan(restricted_session(admin, actions), CMK, DELETION)


def test_unreadable_tags_are_an_error_not_a_skip():
    with mock_aws():
        result = _scan_without_tags()
    table = finding(result, CMK, "unreadable-tags")
    assert table.status is Status.ERROR
    assert "list_tags_of_resource failed" in table.message
    assert status_of(result, DELETION, "unreadable-tags") is Status.FAIL, "other rules are unaffected"


def test_table_region(aws):
    _table(aws, "eu-table", region="eu-west-1")
    _table(aws, "us-table", region="us-east-1")
    params = ScanParams(allowed_regions=("eu-west-1",))
    result = scan(aws, IN_REGION, regions=["us-east-1", "eu-west-1"], params=params)
    assert status_of(result, IN_REGION, "eu-table") is Status.PASS
    bad = finding(result, IN_REGION, "us-table")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"resource.region": "us-east-1", "params.allowed_regions": ["eu-west-1"]}
    assert scan(aws, IN_REGION, regions=["us-east-1", "eu-west-1"]).findings == ()


def test_calls_per_table(aws):
    for name in ("a", "b", "c"):
        _table(aws, name)
    made: Counter[str] = Counter()
    aws.events.register("before-call", lambda event_name, **_: made.update([event_name.split(".", 1)[1]]))
    scan(aws, PITR, DELETION, CMK)
    assert made == {
        "sts.GetCallerIdentity": 1,
        "dynamodb.ListTables": 1,
        "kms.ListAliases": 1,  # once per region, for every table
        "dynamodb.DescribeTable": 3,
        "dynamodb.DescribeContinuousBackups": 3,
        "dynamodb.ListTagsOfResource": 3,
    }
