"""Fixtures for AWS tests: an in-process moto account, and a moto server on 127.0.0.1.

Helpers (scans, restricted IAM sessions, the moto plumbing) live in ``tests.support.aws``.
"""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from tests.support.aws import REGION, reset_moto_server, serve_moto


@pytest.fixture
def aws():
    """A boto3 session on a fresh, empty moto account (in-process)."""
    with mock_aws():
        yield boto3.Session(region_name=REGION)


@pytest.fixture(scope="session")
def moto_server_url():
    """A moto server on 127.0.0.1 (one per test session)."""
    with serve_moto() as url:
        yield url


@pytest.fixture
def moto_server(moto_server_url, monkeypatch):
    """Point every AWS SDK call at the moto server via AWS_ENDPOINT_URL, with a clean state."""
    reset_moto_server(moto_server_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server_url)
    return moto_server_url
