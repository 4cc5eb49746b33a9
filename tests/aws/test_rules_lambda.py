"""The Lambda rules failing and passing: runtimes on moto, public access on a local fake Lambda API.

moto does not implement ``ListFunctionUrlConfigs`` (it answers 404 "Not yet implemented"), so the
public-access rule runs the real boto3 client against ``FakeAws`` answering realistic JSON; the
runtime rule reads only the listing and runs on moto. No function is ever invoked.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest

from scanner.models import Status
from scanner.providers.aws.services.awslambda import runtime_status, runtime_table
from tests.support.aws import scan
from tests.support.fake_aws import FakeAws, access_denied, aws_error, ok
from tests.support.results import finding

PUBLIC = "aws.lambda.function_not_public"
RUNTIME = "aws.lambda.function_runtime_supported"
ACCOUNT = "123456789012"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


def _role(session) -> str:
    return session.client("iam").create_role(RoleName="function-role", AssumeRolePolicyDocument=json.dumps(TRUST))[
        "Role"
    ]["Arn"]


# -- runtime (moto) ---------------------------------------------------------------------------------


def test_runtime_deprecated_supported_unknown_and_image(aws):
    lam, role = aws.client("lambda"), _role(aws)
    for name, runtime in (("legacy-report", "python3.9"), ("orders-api", "python3.13"), ("future-fn", "nodejs99.x")):
        lam.create_function(
            FunctionName=name, Runtime=runtime, Role=role, Handler="app.handler", Code={"ZipFile": _zip()}
        )
    lam.create_function(
        FunctionName="image-fn",
        Role=role,
        PackageType="Image",
        Code={"ImageUri": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/worker:1.0"},
    )
    result = scan(aws, RUNTIME)
    deprecated = finding(result, RUNTIME, "legacy-report")
    assert deprecated.status is Status.FAIL
    assert deprecated.message == "Runtime python3.9 was deprecated on 2025-12-15."
    assert deprecated.evidence["runtime_deprecation_date"] == "2025-12-15"
    supported = finding(result, RUNTIME, "orders-api")
    assert supported.status is Status.PASS
    assert supported.message == "Runtime python3.13 is supported until 2029-06-30."
    unknown = finding(result, RUNTIME, "future-fn")
    assert unknown.status is Status.FAIL
    assert unknown.evidence["runtime_status"] == "unknown"
    assert "not in cloudscan's Lambda runtime table" in unknown.message
    assert not [f for f in result.findings if f.resource.id == "image-fn"], "container images have no runtime: skipped"


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2026, 10, 30), "supported"), (date(2026, 10, 31), "deprecated"), (date(2026, 11, 1), "deprecated")],
)
def test_deprecation_counts_from_the_day_itself(today, expected):
    assert runtime_status("python3.10", today)["runtime_status"] == expected


def test_runtime_table_names_its_source():
    table, source, retrieved = runtime_table()
    assert source == "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"
    assert date.fromisoformat(retrieved)
    assert all(deprecated is None or isinstance(deprecated, date) for deprecated in table.values())
    assert table["nodejs26.x"] is None and table["python3.9"] == date(2025, 12, 15)


# -- public access (fake Lambda API) ----------------------------------------------------------------


def _function(name: str, runtime: str = "python3.13") -> dict:
    return {
        "FunctionName": name,
        "FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}",
        "Runtime": runtime,
        "Role": f"arn:aws:iam::{ACCOUNT}:role/{name}",
        "Handler": "app.handler",
        "CodeSize": 1024,
        "Description": "",
        "Timeout": 3,
        "MemorySize": 128,
        "LastModified": "2026-10-01T12:00:00.000+0000",
        "CodeSha256": "6f1ed002ab5595859014ebf0951522d9a6b1a0b8a3d7e2c1f4e5d6c7b8a9f0e1",
        "Version": "$LATEST",
        "TracingConfig": {"Mode": "PassThrough"},
        "RevisionId": "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
        "PackageType": "Zip",
        "Architectures": ["arm64"],
        "EphemeralStorage": {"Size": 512},
    }


def _policy(name: str, *statements: dict) -> dict:
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"
    document = {
        "Version": "2012-10-17",
        "Id": "default",
        "Statement": [{"Effect": "Allow", "Resource": arn, **statement} for statement in statements],
    }
    return {"Policy": json.dumps(document), "RevisionId": "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"}


def _urls(name: str, auth_type: str | None) -> dict:
    if auth_type is None:
        return {"FunctionUrlConfigs": []}
    return {
        "FunctionUrlConfigs": [
            {
                "FunctionUrl": f"https://{name}abcdefghijklmnop.lambda-url.us-east-1.on.aws/",
                "FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}",
                "CreationTime": "2026-10-01T12:00:00.000Z",
                "LastModifiedTime": "2026-10-01T12:00:00.000Z",
                "AuthType": auth_type,
                "InvokeMode": "BUFFERED",
            }
        ]
    }


FROM_BUCKET = {
    "Sid": "AllowS3Invoke",
    "Principal": {"Service": "s3.amazonaws.com"},
    "Action": "lambda:InvokeFunction",
    "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads-bucket"}},
}
PUBLIC_INVOKE = {"Sid": "PublicInvoke", "Principal": "*", "Action": "lambda:InvokeFunction"}
URL_PUBLIC = {
    "Sid": "FunctionURLAllowPublicAccess",
    "Principal": "*",
    "Action": "lambda:InvokeFunctionUrl",
    "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
}
NO_POLICY = aws_error(404, "ResourceNotFoundException", "The resource you requested does not exist.")


def _serve(fake: FakeAws, functions: dict[str, tuple]) -> None:
    fake.reply("lambda", "ListFunctions", ok({"Functions": [_function(name) for name in functions]}))
    for name, (policy_answer, urls_answer) in functions.items():
        fake.reply("lambda", "GetPolicy", policy_answer, path=f"/2015-03-31/functions/{name}/policy")
        fake.reply("lambda", "ListFunctionUrlConfigs", urls_answer, path=f"/2021-10-31/functions/{name}/urls")


def test_public_policy_and_public_url_fail(aws, monkeypatch):
    functions = {
        "thumbnailer": (ok(_policy("thumbnailer", FROM_BUCKET)), ok(_urls("thumbnailer", "AWS_IAM"))),
        "open-invoke": (ok(_policy("open-invoke", PUBLIC_INVOKE)), ok(_urls("open-invoke", None))),
        "webhook": (ok(_policy("webhook", URL_PUBLIC)), ok(_urls("webhook", "NONE"))),
        "internal-job": (NO_POLICY, ok(_urls("internal-job", None))),
    }
    with FakeAws.serving() as fake:
        fake.serve(monkeypatch, "lambda")
        _serve(fake, functions)
        result = scan(aws, PUBLIC, RUNTIME)
    assert finding(result, PUBLIC, "thumbnailer").status is Status.PASS
    assert finding(result, PUBLIC, "internal-job").status is Status.PASS
    open_invoke = finding(result, PUBLIC, "open-invoke")
    assert open_invoke.status is Status.FAIL
    assert open_invoke.evidence == {"public_policy_statements": ["PublicInvoke"], "public_function_urls": []}
    webhook = finding(result, PUBLIC, "webhook")
    assert webhook.status is Status.FAIL
    assert webhook.evidence == {
        "public_policy_statements": ["FunctionURLAllowPublicAccess"],
        "public_function_urls": ["https://webhookabcdefghijklmnop.lambda-url.us-east-1.on.aws/"],
    }
    # One listing, then one GetPolicy and one ListFunctionUrlConfigs per function: nothing twice.
    assert fake.operations.count("ListFunctions") == 1
    assert fake.operations.count("GetPolicy") == len(functions)
    assert fake.operations.count("ListFunctionUrlConfigs") == len(functions)
    assert all(f.status is Status.PASS for f in result.findings if f.rule_id == RUNTIME)


def test_denied_url_listing_is_error_not_pass(aws, monkeypatch):
    with FakeAws.serving() as fake:
        fake.serve(monkeypatch, "lambda")
        denied = access_denied("lambda", "ListFunctionUrlConfigs")
        _serve(fake, {"webhook": (ok(_policy("webhook", FROM_BUCKET)), denied)})
        result = scan(aws, PUBLIC, RUNTIME)
    error = finding(result, PUBLIC, "webhook")
    assert error.status is Status.ERROR
    assert "list_function_url_configs failed: AccessDeniedException" in error.message
    assert "lambda:ListFunctionUrlConfigs" in error.message
    assert finding(result, RUNTIME, "webhook").status is Status.PASS
