"""Demo Lambda: a function on a deprecated runtime with a public URL, and a current, private one.

moto does not implement ``ListFunctionUrlConfigs``, which would leave the demo with an ERROR
instead of a verdict. The demo session therefore answers it itself, after the scanner's
handlers (``register_last``, so its calls are counted), the way AWS would for these functions.
Only the in-process demo session gets this; a moto server planted with the demo does not.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any
from urllib.parse import unquote

import boto3
from botocore.awsrequest import AWSResponse

_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def _package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def plant(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    role = session.client("iam").create_role(RoleName="demo-lambda-exec", AssumeRolePolicyDocument=json.dumps(_TRUST))[
        "Role"
    ]["Arn"]
    functions = session.client("lambda", region_name=region)
    legacy = functions.create_function(
        FunctionName="demo-legacy-webhook",
        Runtime="python3.8",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _package()},
    )["FunctionArn"]
    functions.add_permission(
        FunctionName="demo-legacy-webhook",
        StatementId="public-webhook-url",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    functions.create_function(
        FunctionName="demo-orders-worker",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _package()},
    )
    public_urls = {
        legacy: [
            {
                "FunctionUrl": "https://demolegacywebhook.lambda-url.eu-west-1.on.aws/",
                "FunctionArn": legacy,
                "AuthType": "NONE",
                "CreationTime": "2025-03-01T10:00:00.000+0000",
                "LastModifiedTime": "2025-03-01T10:00:00.000+0000",
            }
        ]
    }

    def answer(event_name: str, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if event_name != "before-call.lambda.ListFunctionUrlConfigs":
            return None
        path = unquote(str(params.get("url_path", "")))  # before-call sees the request: /…/functions/{name}/urls
        configs = next(
            (urls for arn, urls in public_urls.items() if f"/{arn}/" in path or f"/{arn.split(':')[-1]}/" in path), []
        )
        return AWSResponse("https://demo.invalid/", 200, {}, None), {"FunctionUrlConfigs": configs}

    # On the generic event, after the scanner's own handlers (its call counter among them).
    session.events.register_last("before-call", answer)
