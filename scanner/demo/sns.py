"""Demo SNS: an unencrypted alerts topic beside an encrypted one (both keep the account-only default policy)."""

from __future__ import annotations

import boto3


def plant(session: boto3.Session, regions: list[str]) -> None:
    sns = session.client("sns", region_name=regions[0])
    sns.create_topic(Name="demo-alerts")
    sns.create_topic(Name="demo-order-events", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
