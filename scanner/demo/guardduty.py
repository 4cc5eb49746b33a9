"""Demo GuardDuty: an enabled detector in the last region, none in the others."""

from __future__ import annotations

import boto3


def plant(session: boto3.Session, regions: list[str]) -> None:
    session.client("guardduty", region_name=regions[-1]).create_detector(
        Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES"
    )
