"""Demo ECR: a repository anyone can pull from beside a private one scanned on push."""

from __future__ import annotations

import json

import boto3

_PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]


def plant(session: boto3.Session, regions: list[str]) -> None:
    ecr = session.client("ecr", region_name=regions[0])
    ecr.create_repository(repositoryName="demo-public-images", imageScanningConfiguration={"scanOnPush": True})
    ecr.set_repository_policy(
        repositoryName="demo-public-images",
        policyText=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Sid": "PublicPull", "Effect": "Allow", "Principal": "*", "Action": _PULL}],
            }
        ),
    )
    ecr.create_repository(
        repositoryName="demo-orders-api",
        imageScanningConfiguration={"scanOnPush": True},
        imageTagMutability="IMMUTABLE",
    )
