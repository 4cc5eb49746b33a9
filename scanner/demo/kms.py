"""Demo KMS: a customer-managed key without rotation beside one with it, and a key anyone may use to decrypt."""

from __future__ import annotations

import json

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
    shared = kms.create_key(Description="Demo partner key with a public key policy")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=shared["KeyId"])
    account = shared["Arn"].split(":")[4]
    kms.put_key_policy(
        KeyId=shared["KeyId"],
        PolicyName="default",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "EnableRootAccess",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Sid": "PartnersDecrypt",
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": ["kms:Decrypt", "kms:DescribeKey"],
                        "Resource": "*",
                    },
                ],
            }
        ),
    )
    kms.create_alias(AliasName="alias/demo-partner", TargetKeyId=shared["KeyId"])
