"""Demo Security Hub: the hub on in the last region with no standard enabled; off in the others.

moto serves ``DescribeHub`` but not ``GetEnabledStandards`` ("Not yet implemented"), which
would leave the demo with an ERROR instead of a verdict. The demo session therefore answers
that one call itself, after the scanner's handlers (``register_last``, so its calls are counted), the way AWS would for
this account: no standards where the hub is on, ``InvalidAccessException`` where it is off.
Only the in-process demo session gets this; a moto server planted with the demo does not.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.awsrequest import AWSResponse


def _answer(status: int, body: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    return AWSResponse("https://demo.invalid/", status, {}, None), {**body, "ResponseMetadata": {}}


def plant(session: boto3.Session, regions: list[str]) -> None:
    session.client("securityhub", region_name=regions[-1]).enable_security_hub(EnableDefaultStandards=False)
    hubs = set(regions[-1:])

    def enabled_standards(context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        region = context.get("client_region")
        if region in hubs:
            return _answer(200, {"StandardsSubscriptions": []})
        message = "Account is not subscribed to AWS Security Hub"
        return _answer(401, {"Error": {"Code": "InvalidAccessException", "Message": message}})

    def answer(event_name: str, **kwargs: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        return enabled_standards(**kwargs) if event_name == "before-call.securityhub.GetEnabledStandards" else None

    # On the generic event, after the scanner's own handlers (its call counter among them).
    session.events.register_last("before-call", answer)
