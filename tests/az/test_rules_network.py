"""Each Azure network security group rule failing and passing, through the real NetworkManagementClient."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.azure import NSGS, SUB, FakeArm, arm_id, nsg, nsg_rule, scan
from tests.support.results import finding, status_of

SSH = "azure.network.nsg_no_internet_ssh"
RDP = "azure.network.nsg_no_internet_rdp"
ALL_PORTS = "azure.network.nsg_no_internet_all_ports"


def plant(arm: FakeArm, *groups: dict[str, Any]) -> None:
    arm.collection(NSGS, list(groups))


NIC = arm_id("Microsoft.Network/networkInterfaces", "vm-web-nic")


def test_ssh_open_to_the_internet_fails(arm):
    plant(
        arm,
        nsg("nsg-ssh-open", nsg_rule("allow-ssh", 100, port="22", nsg="nsg-ssh-open"), nics=[NIC]),
        nsg(
            "nsg-ssh-ranges",
            nsg_rule("web-and-admin", 300, ports=["80", "443", "20-25"], sources=["10.0.0.0/8", "0.0.0.0/0"]),
        ),
        nsg("nsg-ssh-admin", nsg_rule("allow-ssh-admin", 100, port="22", source="203.0.113.0/24")),
        nsg(
            "nsg-ssh-denied-first",
            nsg_rule("deny-ssh", 100, port="22", source="*", protocol="*", access="Deny"),
            nsg_rule("allow-ssh", 200, port="22", source="*"),
        ),
    )
    result = scan(arm, SSH)
    bad = finding(result, SSH, "nsg-ssh-open")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"internet_ssh_rules": ["allow-ssh: Tcp 22 from Internet"], "attached": True}
    assert "allow-ssh: Tcp 22 from Internet" in bad.message
    assert bad.resource.region == "westeurope"
    assert bad.resource.id == arm_id("Microsoft.Network/networkSecurityGroups", "nsg-ssh-open")
    assert bad.resource.tags == {"env": "prod"}
    ranges = finding(result, SSH, "nsg-ssh-ranges")
    assert ranges.status is Status.FAIL
    assert ranges.evidence == {
        "internet_ssh_rules": ["web-and-admin: Tcp 80,443,20-25 from 0.0.0.0/0"],
        "attached": False,
    }
    # a source limited to an admin range, or an earlier Deny for the whole Internet, keeps port 22 closed
    good = finding(result, SSH, "nsg-ssh-admin")
    assert good.status is Status.PASS
    assert good.evidence == {"internet_ssh_rules": [], "attached": False}
    assert status_of(result, SSH, "nsg-ssh-denied-first") is Status.PASS


def test_rdp_open_to_the_internet_fails(arm):
    plant(
        arm,
        nsg("nsg-rdp-open", nsg_rule("remote-range", 120, port="3000-4000", source="*", protocol="*")),
        nsg("nsg-rdp-udp", nsg_rule("rdp-udp", 120, port="3389", protocol="Udp")),
        nsg("nsg-rdp-v6", nsg_rule("rdp-v6", 130, ports=["3389"], sources=["::/0"])),
    )
    result = scan(arm, RDP)
    bad = finding(result, RDP, "nsg-rdp-open")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"internet_rdp_rules": ["remote-range: Any 3000-4000 from *"], "attached": False}
    assert finding(result, RDP, "nsg-rdp-v6").evidence["internet_rdp_rules"] == ["rdp-v6: Tcp 3389 from ::/0"]
    # UDP 3389 is not the RDP listener that this rule is about
    good = finding(result, RDP, "nsg-rdp-udp")
    assert good.status is Status.PASS
    assert good.evidence == {"internet_rdp_rules": [], "attached": False}


def test_all_ports_open_to_the_internet_fails(arm):
    subnet = arm_id("Microsoft.Network/virtualNetworks", "vnet-prod/subnets/web")
    plant(
        arm,
        nsg("nsg-any-any", nsg_rule("any-any", 4000, port="*", source="*", protocol="*"), subnets=[subnet]),
        nsg("nsg-tcp-range", nsg_rule("everything", 500, port="0-65535", source="Internet")),
        nsg("nsg-https-only", nsg_rule("allow-https", 200, port="443"), nsg_rule("allow-ssh", 300, port="22")),
        nsg(
            "nsg-deny-all-first",
            nsg_rule("deny-internet", 100, port="*", source="Internet", protocol="*", access="Deny"),
            nsg_rule("any-any", 200, port="*", source="*", protocol="*"),
        ),
    )
    result = scan(arm, ALL_PORTS)
    bad = finding(result, ALL_PORTS, "nsg-any-any")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"internet_all_ports_rules": ["any-any: Any all ports from *"], "attached": True}
    assert finding(result, ALL_PORTS, "nsg-tcp-range").evidence["internet_all_ports_rules"] == [
        "everything: Tcp 0-65535 from Internet"
    ]
    good = finding(result, ALL_PORTS, "nsg-https-only")
    assert good.status is Status.PASS
    assert good.evidence == {"internet_all_ports_rules": [], "attached": False}
    assert status_of(result, ALL_PORTS, "nsg-deny-all-first") is Status.PASS


def test_listing_refused_gives_error_not_pass(arm):
    arm.error(
        NSGS,
        403,
        "AuthorizationFailed",
        "The client 'scanner' with object id '11111111-2222-4333-8444-555555555555' does not have authorization "
        "to perform action 'Microsoft.Network/networkSecurityGroups/read' over scope "
        f"'/subscriptions/{SUB}' or the scope is invalid.",
    )
    result = scan(arm, SSH)
    [error] = [f for f in result.findings if f.rule_id == SSH]
    assert error.status is Status.ERROR
    assert "AuthorizationFailed" in error.message
