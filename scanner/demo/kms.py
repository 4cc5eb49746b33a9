"""Demo KMS: a customer-managed key without rotation beside one with it."""

from __future__ import annotations

import boto3


def plant(session: boto3.Session, regions: list[str]) -> None:
    kms = session.client("kms", region_name=regions[0])
    stale = kms.create_key(Description="Demo key without automatic rotation")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/demo-legacy", TargetKeyId=stale)
    rotated = kms.create_key(
        Description="Demo data key with yearly rotation",
        Tags=[{"TagKey": "data-classification", "TagValue": "pii"}],
    )["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated)
    kms.create_alias(AliasName="alias/demo-data", TargetKeyId=rotated)
