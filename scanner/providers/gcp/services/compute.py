"""Compute Engine: firewall rules open to the Internet (more checks to come in this module)."""

from __future__ import annotations

import ipaddress
from typing import Any

from scanner.providers.spec import Call, Item, ResourceSpec

SSH, RDP = 22, 3389
_PROJECT = {"project": "{account}"}


def _is_internet(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def _covers(ports: list[str] | None, port: int) -> bool:
    if not ports:  # no ports listed means every port of the protocol
        return True
    for entry in ports:
        low, _, high = str(entry).partition("-")
        if int(low) <= port <= int(high or low):
            return True
    return False


def _all_ports(ports: list[str] | None) -> bool:
    return not ports or any(str(entry) in ("0-65535", "1-65535") for entry in ports)


def internet_rules(firewall: dict[str, Any]) -> dict[str, list[str]]:
    """Which of SSH, RDP and all ports an enabled ingress allow rule opens to 0.0.0.0/0 or ::/0."""
    found: dict[str, list[str]] = {"ssh": [], "rdp": [], "all": []}
    if firewall.get("direction", "INGRESS") != "INGRESS" or firewall.get("disabled"):
        return found
    sources = [cidr for cidr in firewall.get("sourceRanges") or [] if _is_internet(cidr)]
    if not sources:
        return found
    for allowed in firewall.get("allowed") or []:
        protocol = str(allowed.get("IPProtocol", "")).lower()
        ports = allowed.get("ports")
        label = f"{protocol} {','.join(ports) if ports else 'all ports'} from {','.join(sources)}"
        if protocol in ("all",) or (protocol in ("tcp", "udp") and _all_ports(ports)):
            found["all"].append(label)
        if protocol in ("tcp", "all") and _covers(ports, SSH):
            found["ssh"].append(label)
        if protocol in ("tcp", "all") and _covers(ports, RDP):
            found["rdp"].append(label)
    return found


def _normalize_firewall(item: Item) -> dict[str, Any]:
    opened = internet_rules(item.raw)
    return {
        "network": str(item.raw.get("network", "")).rsplit("/", 1)[-1],
        "direction": item.raw.get("direction", "INGRESS"),
        "disabled": bool(item.raw.get("disabled", False)),
        "internet_ssh": opened["ssh"],
        "internet_rdp": opened["rdp"],
        "internet_all_ports": opened["all"],
    }


FIREWALL = ResourceSpec(
    type="gcp.compute.firewall",
    service="compute.firewalls",
    scope="global",
    listing=Call("list", _PROJECT),
    id="{selfLink}",
    name="{name}",
    arn="{selfLink}",
    fields=("network", "direction", "disabled", "internet_ssh", "internet_rdp", "internet_all_ports"),
    normalize=_normalize_firewall,
)

SPECS = (FIREWALL,)
