"""AWS test helpers: moto server plumbing, scans, the raw inventory and restricted IAM sessions.

Fixtures (``aws``, ``moto_server``...) live in ``tests/aws/conftest.py`` and use these.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import boto3

from tests.support import scanning
from tests.support.scanning import rules_by_id

if TYPE_CHECKING:
    from scanner.models import Rule, ScanParams, ScanResult
    from scanner.providers.collector import Inventory

REGION = "us-east-1"


def fake_aws_env(endpoint: str | None = None) -> dict[str, str]:
    """Fake credentials, no metadata probing, no config files (and, if given, every SDK call sent to ``endpoint``)."""
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    if endpoint is not None:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


# --- moto server -----------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve_moto() -> Iterator[str]:
    """A moto server on 127.0.0.1 for the duration of the block; yields its URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def reset_moto_server(url: str) -> None:
    """Forget every resource the moto server at ``url`` holds."""
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).read()


# --- scans -----------------------------------------------------------------------------------------


def run(
    session: boto3.Session,
    rules: Sequence[Rule] | None = None,
    *,
    regions: Sequence[str] | None = None,
    max_workers: int = 8,
    max_attempts: int | None = None,
    timeout: float | None = None,
    params: ScanParams | None = None,
) -> ScanResult:
    """A full scan of the account behind ``session``: ``rules`` (default: every AWS rule) in ``regions``.

    ``regions`` None means every region enabled for the account; ``max_attempts`` and
    ``timeout`` are the per-call API settings (None: the scanner's defaults).
    """
    target = {"regions": tuple(regions)} if regions else {}
    return scanning.run_scan(
        "aws",
        session,
        target,
        rules,
        max_workers=max_workers,
        max_attempts=max_attempts,
        timeout=timeout,
        params=params,
    )


def scan(
    session: boto3.Session, *rule_ids: str, regions: list[str] | None = None, params: ScanParams | None = None
) -> ScanResult:
    """Run the real collector and engine for the given rules (in ``REGION`` unless told otherwise)."""
    return run(session, rules_by_id(*rule_ids), regions=regions or [REGION], max_workers=4, params=params)


def inventory(session: boto3.Session, resource_types: Iterable[str], regions: Sequence[str] = (REGION,)) -> Inventory:
    """What the AWS collector reads for ``resource_types``, before any rule runs."""
    return scanning.collect("aws", session, {"regions": tuple(regions)}, resource_types)


# --- IAM enforcement -------------------------------------------------------------------------------


def restricted_session(
    admin: boto3.Session,
    actions: Sequence[str],
    *,
    user: str = "auditor",
    policy_name: str = "limited",
    region: str = REGION,
) -> boto3.Session:
    """A session as a new IAM user allowed exactly ``actions`` (on every resource), created through ``admin``.

    moto evaluates the user's policy like IAM does once enforcement is on: wrap the
    set-up and the scan in ``moto.core.set_initial_no_auth_action_count(n)``, where
    ``n`` counts the calls made as ``admin`` (this function makes three: create_user,
    put_user_policy, create_access_key).
    """
    iam = admin.client("iam")
    iam.create_user(UserName=user)
    iam.put_user_policy(
        UserName=user,
        PolicyName=policy_name,
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]}
        ),
    )
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return boto3.Session(
        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"], region_name=region
    )
