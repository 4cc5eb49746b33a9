"""Fixtures for AWS tests: an in-process moto account and a scan helper."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from scanner.models import Finding, ScanResult, Status
from scanner.rules import load_rules
from scanner.scan import run_aws_scan

REGION = "us-east-1"


@pytest.fixture
def aws():
    """A boto3 session on a fresh, empty moto account (in-process)."""
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def scan(session: boto3.Session, *rule_ids: str, regions: list[str] | None = None) -> ScanResult:
    """Run the real collector and engine for the given rules."""
    rules = [rule for rule in load_rules() if rule.id in rule_ids]
    assert {rule.id for rule in rules} == set(rule_ids), "unknown rule id in test"
    return run_aws_scan(session, rules=rules, regions=regions or [REGION], max_workers=4)


def finding(result: ScanResult, rule_id: str, resource_id: str) -> Finding:
    """The single finding of ``rule_id`` on ``resource_id``."""
    matches = [f for f in result.findings if f.rule_id == rule_id and f.resource.id == resource_id]
    assert len(matches) == 1, f"expected one {rule_id} finding on {resource_id}, got {matches}"
    return matches[0]


def status_of(result: ScanResult, rule_id: str, resource_id: str) -> Status:
    return finding(result, rule_id, resource_id).status


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server_url():
    """A moto server on 127.0.0.1 (one per test session)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def moto_server(moto_server_url, monkeypatch):
    """Point every AWS SDK call at the moto server via AWS_ENDPOINT_URL, with a clean state."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{moto_server_url}/moto-api/reset", method="POST")).read()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server_url)
    return moto_server_url
