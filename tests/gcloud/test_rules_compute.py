"""Each Compute Engine rule failing and passing, through the real google-cloud-compute REST client."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.gcloud.conftest import PROJECT, FakeGcp, finding, scan, status_of

FIREWALLS = f"/compute/v1/projects/{PROJECT}/global/firewalls"


def firewall(name: str, source_ranges: list[str], allowed: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A firewall rule as the Compute API returns it."""
    return {
        "kind": "compute#firewall",
        "id": "4728123409812345678",
        "creationTimestamp": "2026-01-12T08:15:00.000-08:00",
        "name": name,
        "network": f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/networks/default",
        "priority": 1000,
        "sourceRanges": source_ranges,
        "allowed": allowed,
        "direction": "INGRESS",
        "logConfig": {"enable": False},
        "disabled": False,
        "selfLink": f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/firewalls/{name}",
        **extra,
    }


def test_firewall_ssh(gcp: FakeGcp):
    gcp.collection(
        FIREWALLS,
        "items",
        [
            firewall("default-allow-ssh", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["22"]}]),
            firewall("allow-range", ["::/0"], [{"IPProtocol": "tcp", "ports": ["20-30"]}]),
            firewall("iap-ssh", ["35.235.240.0/20"], [{"IPProtocol": "tcp", "ports": ["22"]}]),
            firewall("disabled-ssh", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["22"]}], disabled=True),
            firewall("web", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["443"]}]),
        ],
        page_size=2,
    )
    rule = "gcp.compute.firewall_no_public_ssh"
    result = scan(gcp, rule)
    bad = finding(result, rule, "default-allow-ssh")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"internet_ssh": ["tcp 22 from 0.0.0.0/0"], "network": "default"}
    assert bad.resource.account == PROJECT and bad.resource.provider == "gcp"
    assert status_of(result, rule, "allow-range") is Status.FAIL
    for name in ("iap-ssh", "disabled-ssh", "web"):
        assert status_of(result, rule, name) is Status.PASS, name
    assert gcp.count(FIREWALLS) == 3, "every page was read"


def test_disabled_api_is_an_error_never_a_pass(gcp: FakeGcp):
    gcp.error(
        FIREWALLS,
        403,
        "PERMISSION_DENIED",
        f"Compute Engine API has not been used in project {PROJECT} before or it is disabled.",
        reason="SERVICE_DISABLED",
    )
    result = scan(gcp, "gcp.compute.firewall_no_public_ssh")
    (error,) = result.errors
    assert error.code == "SERVICE_DISABLED" and "disabled" in error.message
    assert [f.status for f in result.findings] == [Status.ERROR]


def test_permission_denied_is_an_error(gcp: FakeGcp):
    gcp.error(FIREWALLS, 403, "PERMISSION_DENIED", "Required 'compute.firewalls.list' permission for 'projects/x'")
    result = scan(gcp, "gcp.compute.firewall_no_public_ssh")
    (error,) = result.errors
    assert error.code == "PERMISSION_DENIED"
