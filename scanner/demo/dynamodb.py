"""Demo DynamoDB: a personal-data table on the default key without recovery, beside a well-kept one."""

from __future__ import annotations

import boto3

_KEY_SCHEMA = {
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
PERSONAL = [{"Key": "data-classification", "Value": "personal"}]


def plant(session: boto3.Session, regions: list[str]) -> None:
    dynamodb = session.client("dynamodb", region_name=regions[0])
    # AWS owned key, no point-in-time recovery, no deletion protection
    dynamodb.create_table(TableName="demo-customer-profiles", Tags=PERSONAL, **_KEY_SCHEMA)

    kms = session.client("kms", region_name=regions[0])
    key = kms.create_key(Description="Demo key for the orders table")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key)
    dynamodb.create_table(
        TableName="demo-orders",
        Tags=PERSONAL,
        DeletionProtectionEnabled=True,
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key},
        **_KEY_SCHEMA,
    )
    dynamodb.update_continuous_backups(
        TableName="demo-orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
