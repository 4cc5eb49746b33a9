"""Demo EFS: an unencrypted shared file system beside an encrypted one."""

from __future__ import annotations

import boto3


def plant(session: boto3.Session, regions: list[str]) -> None:
    efs = session.client("efs", region_name=regions[0])
    efs.create_file_system(CreationToken="demo-legacy-share", Tags=[{"Key": "Name", "Value": "demo-legacy-share"}])
    efs.create_file_system(
        CreationToken="demo-home-dirs",
        Encrypted=True,
        Tags=[{"Key": "Name", "Value": "demo-home-dirs"}, {"Key": "data-classification", "Value": "personal"}],
    )
