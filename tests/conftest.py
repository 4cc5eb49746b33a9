"""Shared test set-up: fake credentials, no metadata probing, moto accounts.

Tests always pass credentials explicitly so no SDK credential chain ever probes
an instance-metadata address; everything talks to moto in-process or on
127.0.0.1 only.
"""

from __future__ import annotations

import os

import pytest

from tests.support.aws import fake_aws_env


@pytest.fixture(autouse=True)
def fake_aws_credentials(monkeypatch):
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL") or name in ("AWS_PROFILE", "AWS_REGION"):
            monkeypatch.delenv(name, raising=False)
    for name, value in fake_aws_env().items():
        monkeypatch.setenv(name, value)


_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "ip6-localhost"}


def _is_loopback(host) -> bool:
    if host is None:
        return True
    host = host.decode() if isinstance(host, bytes) else str(host)
    return host in _LOOPBACK_NAMES or host.startswith("127.")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Fail any test whose process tries to resolve or reach a non-loopback address.

    SDK credential chains probe instance-metadata addresses when they find no
    credentials; this guard proves the tests never do, and never leak DNS.
    """
    import socket

    attempts: list[str] = []
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not _is_loopback(host):
            attempts.append(f"resolve {host}")
            raise OSError(f"non-loopback address blocked in tests: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else None
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(host):
            attempts.append(f"connect {host}")
            raise OSError(f"non-loopback address blocked in tests: {host}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield
    assert attempts == [], f"test tried to reach non-loopback addresses: {attempts}"


@pytest.fixture(scope="session")
def demo_result(tmp_path_factory):
    """One demo scan through the real CLI, read back from its findings.json (shared, read-only)."""
    import sys

    from scanner import cli
    from scanner.reports.json_report import read_report

    out = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(sys, "argv", ["cloudscan", "demo", "--quiet", "--output-dir", str(out)])
        with pytest.raises(SystemExit) as exit_info:
            cli.main()
    assert exit_info.value.code == 0
    return read_report(out / "findings.json")
