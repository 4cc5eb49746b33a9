"""Each Compute Engine rule failing and passing, through the real google-cloud-compute REST client."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.gcp import FIREWALLS, PROJECT, PROJECT_NUMBER, FakeGcp, Route, firewall, scan
from tests.support.results import finding, status_of

NETWORKS = f"/compute/v1/projects/{PROJECT}/global/networks"
INSTANCES = f"/compute/v1/projects/{PROJECT}/aggregated/instances"
DISKS = f"/compute/v1/projects/{PROJECT}/aggregated/disks"
COMPUTE_PROJECT = f"/compute/v1/projects/{PROJECT}"
API = "https://www.googleapis.com/compute/v1"
NO_RESULTS = {
    "code": "NO_RESULTS_ON_PAGE",
    "message": "There are no results for scope 'zones/us-central1-a' on this page.",
    "data": [{"key": "scope", "value": "zones/us-central1-a"}],
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


def test_firewall_rdp_and_all_ports(gcp: FakeGcp):
    gcp.collection(
        FIREWALLS,
        "items",
        [
            firewall("allow-rdp", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["3389"]}]),
            firewall("allow-any", ["0.0.0.0/0"], [{"IPProtocol": "all"}]),
            firewall("allow-tcp-all", ["::/0"], [{"IPProtocol": "tcp", "ports": ["0-65535"]}]),
            firewall("iap-rdp", ["35.235.240.0/20"], [{"IPProtocol": "tcp", "ports": ["3389"]}]),
            firewall("internal-any", ["10.128.0.0/9"], [{"IPProtocol": "all"}]),
            firewall("web", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["80", "443"]}]),
        ],
    )
    rdp, every = "gcp.compute.firewall_no_public_rdp", "gcp.compute.firewall_no_public_all_ports"
    result = scan(gcp, rdp, every)
    bad = finding(result, rdp, "allow-rdp")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"internet_rdp": ["tcp 3389 from 0.0.0.0/0"], "network": "default"}
    assert status_of(result, rdp, "allow-any") is Status.FAIL  # all protocols include 3389
    for name in ("iap-rdp", "internal-any", "web"):
        assert status_of(result, rdp, name) is Status.PASS, name
    open_all = finding(result, every, "allow-any")
    assert open_all.status is Status.FAIL
    assert open_all.evidence == {"internet_all_ports": ["all all ports from 0.0.0.0/0"], "network": "default"}
    assert finding(result, every, "allow-tcp-all").evidence["internet_all_ports"] == ["tcp 0-65535 from ::/0"]
    passing = finding(result, every, "allow-rdp")
    assert passing.status is Status.PASS and passing.evidence["internet_all_ports"] == []
    for name in ("iap-rdp", "internal-any", "web"):
        assert status_of(result, every, name) is Status.PASS, name


def network(name: str, auto: bool) -> dict[str, Any]:
    """A VPC network as the Compute API returns it."""
    body: dict[str, Any] = {
        "kind": "compute#network",
        "id": "6185936391848754321" if auto else "2218473298413904576",
        "creationTimestamp": "2025-11-03T02:41:10.215-08:00",
        "name": name,
        "selfLink": f"{API}/projects/{PROJECT}/global/networks/{name}",
        "selfLinkWithId": f"{API}/projects/{PROJECT}/global/networks/6185936391848754321",
        "autoCreateSubnetworks": auto,
        "subnetworks": [
            f"{API}/projects/{PROJECT}/regions/europe-west1/subnetworks/{name}",
            f"{API}/projects/{PROJECT}/regions/us-central1/subnetworks/{name}",
        ],
        "routingConfig": {"routingMode": "REGIONAL", "bgpBestPathSelectionMode": "LEGACY"},
        "networkFirewallPolicyEnforcementOrder": "AFTER_CLASSIC_FIREWALL",
    }
    if not auto:
        body["description"] = "Production VPC"
        body["mtu"] = 1460
    return body


def test_default_network(gcp: FakeGcp):
    gcp.collection(NETWORKS, "items", [network("default", auto=True), network("prod-vpc", auto=False)])
    rule = "gcp.compute.no_default_network"
    result = scan(gcp, rule)
    bad = finding(result, rule, "default")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"is_default_network": True, "subnet_mode": "auto"}
    assert bad.resource.id == f"{API}/projects/{PROJECT}/global/networks/default"
    good = finding(result, rule, "prod-vpc")
    assert good.status is Status.PASS
    assert good.evidence == {"is_default_network": False, "subnet_mode": "custom"}


def instance(
    name: str,
    zone: str,
    metadata: dict[str, str] | None = None,
    shielded: tuple[bool, bool, bool] = (True, True, True),
    nat_ip: str | None = None,
) -> dict[str, Any]:
    """A VM instance as the Compute API returns it in an aggregated list."""
    access_configs = (
        [
            {
                "kind": "compute#accessConfig",
                "type": "ONE_TO_ONE_NAT",
                "name": "External NAT",
                "natIP": nat_ip,
                "networkTier": "PREMIUM",
            }
        ]
        if nat_ip
        else []
    )
    interface: dict[str, Any] = {
        "kind": "compute#networkInterface",
        "network": f"{API}/projects/{PROJECT}/global/networks/prod-vpc",
        "subnetwork": f"{API}/projects/{PROJECT}/regions/{zone[:-2]}/subnetworks/prod-vpc",
        "networkIP": "10.132.0.7",
        "name": "nic0",
        "fingerprint": "bR9tJk0oY2A=",
        "stackType": "IPV4_ONLY",
    }
    if access_configs:
        interface["accessConfigs"] = access_configs
    body: dict[str, Any] = {
        "kind": "compute#instance",
        "id": "8812304945623411234",
        "creationTimestamp": "2026-02-02T10:20:31.522-08:00",
        "name": name,
        "machineType": f"{API}/projects/{PROJECT}/zones/{zone}/machineTypes/e2-medium",
        "status": "RUNNING",
        "zone": f"{API}/projects/{PROJECT}/zones/{zone}",
        "canIpForward": False,
        "networkInterfaces": [interface],
        "disks": [
            {
                "kind": "compute#attachedDisk",
                "type": "PERSISTENT",
                "mode": "READ_WRITE",
                "source": f"{API}/projects/{PROJECT}/zones/{zone}/disks/{name}",
                "deviceName": "persistent-disk-0",
                "index": 0,
                "boot": True,
                "autoDelete": True,
                "interface": "SCSI",
                "diskSizeGb": "10",
            }
        ],
        "metadata": {
            "kind": "compute#metadata",
            "fingerprint": "wP1yN1QmW0I=",
            "items": [{"key": key, "value": value} for key, value in (metadata or {}).items()],
        },
        "serviceAccounts": [
            {
                "email": f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com",
                "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
            }
        ],
        "selfLink": f"{API}/projects/{PROJECT}/zones/{zone}/instances/{name}",
        "scheduling": {"onHostMaintenance": "MIGRATE", "automaticRestart": True, "preemptible": False},
        "cpuPlatform": "Intel Broadwell",
        "labelFingerprint": "42WmSpB8rSM=",
        "startRestricted": False,
        "deletionProtection": False,
        "shieldedInstanceConfig": {
            "enableSecureBoot": shielded[0],
            "enableVtpm": shielded[1],
            "enableIntegrityMonitoring": shielded[2],
        },
        "shieldedInstanceIntegrityPolicy": {"updateAutoLearnPolicy": True},
        "fingerprint": "Yk2lN4kSgWE=",
        "lastStartTimestamp": "2026-02-02T10:20:39.101-08:00",
    }
    if not metadata:
        del body["metadata"]["items"]  # the API leaves out an empty list
    return body


def compute_project(metadata: dict[str, str]) -> dict[str, Any]:
    """The Compute Engine view of the project, with its common instance metadata."""
    return {
        "kind": "compute#project",
        "id": "5512349876543210987",
        "creationTimestamp": "2025-11-03T02:40:51.117-08:00",
        "name": PROJECT,
        "commonInstanceMetadata": {
            "kind": "compute#metadata",
            "fingerprint": "Xq3i2rN1y0s=",
            "items": [{"key": key, "value": value} for key, value in metadata.items()],
        },
        "quotas": [{"metric": "CPUS_ALL_REGIONS", "limit": 32, "usage": 6}],
        "selfLink": f"{API}/projects/{PROJECT}",
        "defaultServiceAccount": f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com",
        "xpnProjectStatus": "UNSPECIFIED_XPN_PROJECT_STATUS",
        "defaultNetworkTier": "PREMIUM",
        "vmDnsSetting": "ZONAL_ONLY",
    }


def aggregated(key: str, scopes: dict[str, list[dict[str, Any]]], token: str | None = None) -> dict[str, Any]:
    """One page of an aggregated list: a scoped list per zone or region, a warning where it has none."""
    kind = "instance" if key == "instances" else "disk"
    items = {scope: ({key: listed} if listed else {"warning": NO_RESULTS}) for scope, listed in scopes.items()}
    body: dict[str, Any] = {
        "kind": f"compute#{kind}AggregatedList",
        "id": f"projects/{PROJECT}/aggregated/{key}",
        "items": items,
        "selfLink": f"{API}/projects/{PROJECT}/aggregated/{key}",
    }
    if token:
        body["nextPageToken"] = token
    return body


def register_instances(gcp: FakeGcp) -> None:
    first = aggregated(
        "instances",
        {
            "zones/europe-west1-b": [
                instance(
                    "hardened", "europe-west1-b", {"block-project-ssh-keys": "TRUE", "serial-port-enable": "false"}
                ),
                instance(
                    "exposed",
                    "europe-west1-b",
                    {"enable-oslogin": "FALSE", "startup-script": "#!/bin/bash\napt-get update"},
                    shielded=(False, True, True),
                    nat_ip="34.76.10.21",
                ),
            ],
            "zones/us-central1-a": [],
        },
        token="CkQKQnpvbmVzL3VzLWNlbnRyYWwxLWE",
    )
    second = aggregated(
        "instances",
        {
            "zones/us-east1-c": [
                instance("console", "us-east1-c", {"serial-port-enable": "1", "block-project-ssh-keys": "false"}),
                instance("project-serial", "us-east1-c", shielded=(True, True, False)),
            ]
        },
    )
    gcp.sequence(INSTANCES, Route(200, first), Route(200, second))


INSTANCE_RULES = (
    "gcp.compute.instance_os_login",
    "gcp.compute.instance_serial_port_disabled",
    "gcp.compute.instance_shielded_vm",
    "gcp.compute.instance_no_public_ip",
    "gcp.compute.instance_block_project_ssh_keys",
)


def test_instances(gcp: FakeGcp):
    register_instances(gcp)
    gcp.resource(
        COMPUTE_PROJECT, compute_project({"enable-oslogin": "TRUE", "ssh-keys": "alice:ssh-ed25519 AAAAC3Nz alice"})
    )
    result = scan(gcp, *INSTANCE_RULES)
    assert gcp.count(INSTANCES) == 2, "both pages of the aggregated list were read"
    assert {f.resource.name for f in result.findings} == {"hardened", "exposed", "console", "project-serial"}
    hardened = finding(result, "gcp.compute.instance_os_login", "hardened")
    assert hardened.resource.region == "europe-west1"
    assert hardened.resource.id == f"{API}/projects/{PROJECT}/zones/europe-west1-b/instances/hardened"

    rule = "gcp.compute.instance_os_login"
    assert hardened.status is Status.PASS  # from the project's common metadata
    assert hardened.evidence == {"os_login_enabled": True, "os_login_instance": None, "os_login_project": True}
    bad = finding(result, rule, "exposed")  # the instance turns it off again
    assert bad.status is Status.FAIL
    assert bad.evidence == {"os_login_enabled": False, "os_login_instance": False, "os_login_project": True}

    rule = "gcp.compute.instance_serial_port_disabled"
    good = finding(result, rule, "hardened")
    assert good.status is Status.PASS
    assert good.evidence == {"serial_port_enabled": False, "serial_port_instance": False, "serial_port_project": None}
    bad = finding(result, rule, "console")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"serial_port_enabled": True, "serial_port_instance": True, "serial_port_project": None}

    rule = "gcp.compute.instance_shielded_vm"
    assert finding(result, rule, "hardened").evidence == {
        "secure_boot": True,
        "vtpm": True,
        "integrity_monitoring": True,
    }
    assert status_of(result, rule, "hardened") is Status.PASS
    bad = finding(result, rule, "exposed")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"secure_boot": False, "vtpm": True, "integrity_monitoring": True}
    assert status_of(result, rule, "project-serial") is Status.FAIL

    rule = "gcp.compute.instance_no_public_ip"
    bad = finding(result, rule, "exposed")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"public_ips": ["nic0: 34.76.10.21"], "status": "RUNNING"}
    good = finding(result, rule, "hardened")
    assert good.status is Status.PASS and good.evidence["public_ips"] == []

    rule = "gcp.compute.instance_block_project_ssh_keys"
    assert status_of(result, rule, "hardened") is Status.PASS
    bad = finding(result, rule, "console")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"block_project_ssh_keys": False}
    assert status_of(result, rule, "project-serial") is Status.FAIL

    for found in result.findings:  # metadata values other than the flags never reach a report
        assert "apt-get" not in str(found.evidence) and "ssh-ed25519" not in str(found.evidence)


def test_project_metadata_decides_serial_port(gcp: FakeGcp):
    register_instances(gcp)
    gcp.resource(COMPUTE_PROJECT, compute_project({"serial-port-enable": "TRUE"}))
    rule = "gcp.compute.instance_serial_port_disabled"
    result = scan(gcp, rule, "gcp.compute.instance_os_login")
    bad = finding(result, rule, "project-serial")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"serial_port_enabled": True, "serial_port_instance": None, "serial_port_project": True}
    assert status_of(result, rule, "hardened") is Status.PASS  # the instance's FALSE wins
    assert status_of(result, "gcp.compute.instance_os_login", "project-serial") is Status.FAIL


def test_unreadable_project_metadata_is_an_error_for_rules_that_need_it(gcp: FakeGcp):
    register_instances(gcp)
    gcp.error(
        COMPUTE_PROJECT,
        403,
        "PERMISSION_DENIED",
        f"Required 'compute.projects.get' permission for 'projects/{PROJECT}'",
    )
    result = scan(gcp, *INSTANCE_RULES)
    for name in ("hardened", "exposed", "console", "project-serial"):
        assert status_of(result, "gcp.compute.instance_os_login", name) is Status.ERROR
        assert status_of(result, "gcp.compute.instance_serial_port_disabled", name) is Status.ERROR
    assert "compute.projects.get" in finding(result, "gcp.compute.instance_os_login", "hardened").message
    assert status_of(result, "gcp.compute.instance_shielded_vm", "exposed") is Status.FAIL
    assert status_of(result, "gcp.compute.instance_no_public_ip", "hardened") is Status.PASS


def test_instances_listing_disabled_is_an_error(gcp: FakeGcp):
    gcp.error(
        INSTANCES,
        403,
        "PERMISSION_DENIED",
        f"Compute Engine API has not been used in project {PROJECT} before or it is disabled.",
        reason="SERVICE_DISABLED",
    )
    result = scan(gcp, *INSTANCE_RULES)
    (error,) = result.errors
    assert error.code == "SERVICE_DISABLED" and error.resource_type == "gcp.compute.instance"
    assert result.findings and all(f.status is Status.ERROR for f in result.findings)
    assert gcp.count(COMPUTE_PROJECT) == 0, "no project lookup without instances"


def disk(name: str, scope: str, kms_key: str | None = None, csek: bool = False) -> dict[str, Any]:
    """A persistent disk as the Compute API returns it in an aggregated list."""
    location = (
        {"zone": f"{API}/projects/{PROJECT}/{scope}"}
        if scope.startswith("zones/")
        else {
            "region": f"{API}/projects/{PROJECT}/{scope}",
            "replicaZones": [
                f"{API}/projects/{PROJECT}/zones/europe-west1-b",
                f"{API}/projects/{PROJECT}/zones/europe-west1-c",
            ],
        }
    )
    body: dict[str, Any] = {
        "kind": "compute#disk",
        "id": "1571289004512345678",
        "creationTimestamp": "2026-02-02T10:20:31.530-08:00",
        "name": name,
        "sizeGb": "10",
        "status": "READY",
        "selfLink": f"{API}/projects/{PROJECT}/{scope}/disks/{name}",
        "sourceImage": f"{API}/projects/debian-cloud/global/images/debian-12-bookworm-v20260114",
        "type": f"{API}/projects/{PROJECT}/{scope}/diskTypes/pd-balanced",
        "licenses": [f"{API}/projects/debian-cloud/global/licenses/debian-12-bookworm"],
        "users": [f"{API}/projects/{PROJECT}/zones/europe-west1-b/instances/{name}"],
        "physicalBlockSizeBytes": "4096",
        "architecture": "X86_64",
        **location,
    }
    if kms_key:
        body["diskEncryptionKey"] = {"kmsKeyName": f"{kms_key}/cryptoKeyVersions/1"}
    if csek:
        body["diskEncryptionKey"] = {"sha256": "6HlJ4N5Jb8fA3kzV0l0rL0bYf6dQ7rT1pQ+6nYxYzE0="}
    return body


def test_disk_cmek(gcp: FakeGcp):
    key = f"projects/{PROJECT}/locations/europe-west1/keyRings/disks/cryptoKeys/pd"
    gcp.resource(
        DISKS,
        aggregated(
            "disks",
            {
                "regions/europe-west1": [disk("regional-cmek", "regions/europe-west1", kms_key=key)],
                "zones/europe-west1-b": [
                    disk("google-key", "zones/europe-west1-b"),
                    disk("csek", "zones/europe-west1-b", csek=True),
                ],
                "zones/us-central1-a": [],
            },
        ),
    )
    rule = "gcp.compute.disk_cmek"
    result = scan(gcp, rule)
    good = finding(result, rule, "regional-cmek")
    assert good.status is Status.PASS
    assert good.evidence == {"kms_key_name": f"{key}/cryptoKeyVersions/1", "encryption": "customer-managed (Cloud KMS)"}
    assert good.resource.region == "europe-west1"
    bad = finding(result, rule, "google-key")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"kms_key_name": None, "encryption": "Google-managed"}
    assert bad.resource.region == "europe-west1"
    assert finding(result, rule, "csek").evidence == {"kms_key_name": None, "encryption": "customer-supplied"}
    assert status_of(result, rule, "csek") is Status.FAIL
