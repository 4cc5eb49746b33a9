"""Demo AWS Config: a recorder of all supported types in the first region, none in the others."""

from __future__ import annotations

import boto3


def plant(session: boto3.Session, regions: list[str]) -> None:
    config = session.client("config", region_name=regions[-1])
    account = session.client("sts", region_name=regions[-1]).get_caller_identity()["Account"]
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "demo-config-history"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
