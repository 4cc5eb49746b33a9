"""The embedded demo account: an in-process moto AWS account planted with misconfigurations.

Each module in this package exposes ``plant(session, regions)`` creating a mix of
insecure and well-configured resources for one service, so the demo shows FAIL
and PASS findings side by side. Nothing leaves the process: moto intercepts
every call, and the credentials are fixed fake values.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager

import boto3

DEMO_REGIONS = ["eu-west-1", "us-east-1"]
HOME_REGION = "us-east-1"

_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "demo-access-key",
    "AWS_SECRET_ACCESS_KEY": "demo-secret-key",
    "AWS_SESSION_TOKEN": "demo-session-token",
    "AWS_DEFAULT_REGION": HOME_REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def plant_all(session: boto3.Session, regions: list[str]) -> None:
    """Run every service module's ``plant`` in a stable order."""
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        module.plant(session, regions)
    _mark_aws_managed_keys(session, regions)


def _mark_aws_managed_keys(session: boto3.Session, regions: list[str]) -> None:
    """moto creates service default keys (alias/aws/ebs, ...) as customer-managed; AWS manages them."""
    from moto.kms.models import kms_backends

    account = session.client("sts").get_caller_identity()["Account"]
    for region in regions:
        aliases = session.client("kms", region_name=region).list_aliases()["Aliases"]
        for alias in aliases:
            key = kms_backends[account][region].keys.get(alias.get("TargetKeyId", ""))
            if key is not None and alias["AliasName"].startswith("alias/aws/"):
                key.key_manager = "AWS"


@contextmanager
def demo_account() -> Iterator[boto3.Session]:
    """An in-process moto account with the demo resources planted; yields its session."""
    from moto import mock_aws

    saved = {name: os.environ.get(name) for name in _FAKE_CREDENTIALS}
    endpoint_overrides = {name: value for name, value in os.environ.items() if name.startswith("AWS_ENDPOINT_URL")}
    os.environ.update(_FAKE_CREDENTIALS)
    for name in endpoint_overrides:
        del os.environ[name]
    try:
        with mock_aws():
            session = boto3.Session(
                aws_access_key_id=_FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=_FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                aws_session_token=_FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
                region_name=HOME_REGION,
            )
            plant_all(session, DEMO_REGIONS)
            yield session
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        os.environ.update(endpoint_overrides)
