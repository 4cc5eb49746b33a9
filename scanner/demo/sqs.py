"""Demo SQS: an unencrypted queue anyone may read beside a private, encrypted one."""

from __future__ import annotations

import json

import boto3


def plant(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    sqs = session.client("sqs", region_name=region)
    account = session.client("sts").get_caller_identity()["Account"]
    public = "demo-public-jobs"
    sqs.create_queue(
        QueueName=public,
        Attributes={
            "SqsManagedSseEnabled": "false",
            "Policy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "AnyoneMayUseTheQueue",
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
                            "Resource": f"arn:aws:sqs:{region}:{account}:{public}",
                        }
                    ],
                }
            ),
        },
    )
    sqs.create_queue(QueueName="demo-order-jobs", Attributes={"SqsManagedSseEnabled": "true"})
