"""Demo Amazon Macie: turned off in the first region (moto starts every region with Macie enabled).

Security Hub and IAM Access Analyzer get no demo module: moto cannot serve
``GetEnabledStandards`` or any Access Analyzer call, so their rules report ERROR
("Not yet implemented") in the demo rather than a verdict (tests/README.md).
"""

from __future__ import annotations

import boto3


def plant(session: boto3.Session, regions: list[str]) -> None:
    session.client("macie2", region_name=regions[0]).disable_macie()
