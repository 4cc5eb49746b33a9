"""Demo Amazon Inspector: EC2 and ECR scanning in the last region but not Lambda; nothing in the others."""

from __future__ import annotations

import boto3


def plant(session: boto3.Session, regions: list[str]) -> None:
    account = session.client("sts", region_name=regions[-1]).get_caller_identity()["Account"]
    session.client("inspector2", region_name=regions[-1]).enable(accountIds=[account], resourceTypes=["EC2", "ECR"])
