"""Demo IAM Access Analyzer: an active account analyzer in the last region, none in the others.

moto has no Access Analyzer backend ("Not yet implemented"), which would leave the demo with
an ERROR instead of a verdict. The demo session therefore answers ``ListAnalyzers`` itself,
after the scanner's handlers (``register_last``, so its calls are counted), the way AWS would for this account. Only the
in-process demo session gets this; a moto server planted with the demo does not.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.awsrequest import AWSResponse


def plant(session: boto3.Session, regions: list[str]) -> None:
    account = session.client("sts", region_name=regions[-1]).get_caller_identity()["Account"]
    analyzers = {
        regions[-1]: [
            {
                "arn": f"arn:aws:access-analyzer:{regions[-1]}:{account}:analyzer/external-access",
                "name": "external-access",
                "type": "ACCOUNT",
                "createdAt": "2026-01-15T09:00:00Z",
                "status": "ACTIVE",
                "tags": {},
            }
        ]
    }

    def list_analyzers(context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        body = {"analyzers": analyzers.get(context.get("client_region"), []), "ResponseMetadata": {}}
        return AWSResponse("https://demo.invalid/", 200, {}, None), body

    def answer(event_name: str, **kwargs: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        return list_analyzers(**kwargs) if event_name == "before-call.accessanalyzer.ListAnalyzers" else None

    # On the generic event, after the scanner's own handlers (its call counter among them).
    session.events.register_last("before-call", answer)
