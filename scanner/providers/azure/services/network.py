"""Network security groups: inbound rules that admit the whole Internet to management or all ports.

NSG rules are evaluated in priority order and the first rule matching a packet
decides. A rule here "opens" a port to the Internet when it allows inbound
traffic from every address (``*``, ``Internet``, ``0.0.0.0/0``, ``::/0``) on
that port and no Deny rule of higher priority (lower number) already blocks the
same traffic from every address. The helpers are shared with the compute slice,
which joins VMs to the NSGs on their network interfaces and subnets.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from scanner.providers.azure.arm import arm_resource
from scanner.providers.spec import Call, Item

SSH, RDP = 22, 3389
_INTERNET_WORDS = {"*", "internet", "any"}
_ALL = (0, 65535)


def is_internet(prefix: Any) -> bool:
    """Whether a source prefix means every address: ``*``, the ``Internet`` tag, ``0.0.0.0/0`` or ``::/0``."""
    text = str(prefix or "").strip()
    if text.lower() in _INTERNET_WORDS:
        return True
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


def _internet_sources(properties: dict[str, Any]) -> list[str]:
    prefixes = [properties.get("sourceAddressPrefix")] + list(properties.get("sourceAddressPrefixes") or [])
    return [str(prefix) for prefix in prefixes if prefix and is_internet(prefix)]


def _port_texts(properties: dict[str, Any]) -> list[str]:
    texts = [properties.get("destinationPortRange")] + list(properties.get("destinationPortRanges") or [])
    return [str(text).strip() for text in texts if text not in (None, "")]


def _parse_range(text: str) -> tuple[int, int] | None:
    if text == "*":
        return _ALL
    low, _, high = text.partition("-")
    try:
        return (int(low), int(high or low))
    except ValueError:
        return None


def _ranges(properties: dict[str, Any]) -> list[tuple[int, int]]:
    return [parsed for parsed in map(_parse_range, _port_texts(properties)) if parsed is not None]


def _carries(properties: dict[str, Any], protocol: str) -> bool:
    """Whether the rule's protocol (``Tcp``, ``Udp``, ``Icmp``, ``*`` ...) covers ``protocol``."""
    declared = str(properties.get("protocol") or "*").lower()
    return declared in ("*", protocol.lower())


def _covers_port(properties: dict[str, Any], port: int) -> bool:
    return any(low <= port <= high for low, high in _ranges(properties))


def _covers_all_ports(properties: dict[str, Any]) -> bool:
    # port 0 is reserved, so 1-65535 opens every usable port just as 0-65535 does
    return any(low <= 1 and high >= 65535 for low, high in _ranges(properties))


def _label(name: str, properties: dict[str, Any], sources: list[str]) -> str:
    protocol = str(properties.get("protocol") or "*")
    protocol = "Any" if protocol == "*" else protocol
    ports = ",".join("all ports" if text == "*" else text for text in _port_texts(properties)) or "all ports"
    return f"{name}: {protocol} {ports} from {','.join(sources)}"


def _inbound_internet_rules(nsg: dict[str, Any]) -> list[tuple[int, str, dict[str, Any], list[str]]]:
    """(priority, name, properties, Internet sources) of inbound rules whose source is every address."""
    properties = nsg.get("properties") or {}
    rules = []
    for rule in [*(properties.get("securityRules") or []), *(properties.get("defaultSecurityRules") or [])]:
        rule_properties = rule.get("properties") or {}
        if str(rule_properties.get("direction") or "").lower() != "inbound":
            continue
        sources = _internet_sources(rule_properties)
        if sources:
            priority = rule_properties.get("priority")
            rules.append(
                (priority if isinstance(priority, int) else 65535, str(rule.get("name")), rule_properties, sources)
            )
    return sorted(rules, key=lambda entry: entry[0])


def _first_allows(nsg: dict[str, Any], protocol: str, matches: Any) -> list[str]:
    """Labels of Allow rules matching Internet traffic that come before the first matching Deny."""
    labels: list[str] = []
    for _, name, properties, sources in _inbound_internet_rules(nsg):
        if not (_carries(properties, protocol) and matches(properties)):
            continue
        if str(properties.get("access") or "").lower() != "allow":
            break
        labels.append(_label(name, properties, sources))
    return labels


def internet_port_rules(nsg: dict[str, Any], port: int) -> list[str]:
    """The rules that let TCP ``port`` in from the whole Internet (empty if it stays closed)."""
    return _first_allows(nsg, "Tcp", lambda properties: _covers_port(properties, port))


def internet_all_ports_rules(nsg: dict[str, Any]) -> list[str]:
    """The rules that let every TCP or every UDP port in from the whole Internet."""
    found: list[str] = []
    for protocol in ("Tcp", "Udp"):
        found.extend(_first_allows(nsg, protocol, _covers_all_ports))
    return sorted(set(found))


def by_id(items: Iterable[Any] | None) -> dict[str, dict[str, Any]]:
    """ARM items keyed by lower-cased id (ARM ids are case-insensitive and come back in mixed case)."""
    return {str(item["id"]).lower(): item for item in items or [] if isinstance(item, dict) and item.get("id")}


def _normalize_security_group(item: Item) -> dict[str, Any]:
    properties = item.raw.get("properties") or {}
    return {
        "internet_ssh_rules": sorted(set(internet_port_rules(item.raw, SSH))),
        "internet_rdp_rules": sorted(set(internet_port_rules(item.raw, RDP))),
        "internet_all_ports_rules": internet_all_ports_rules(item.raw),
        "attached": bool(properties.get("networkInterfaces") or properties.get("subnets")),
    }


SECURITY_GROUP = arm_resource(
    type="azure.network.security_group",
    service="network",
    listing=Call("network_security_groups.list_all"),
    normalize=_normalize_security_group,
)

SPECS = (SECURITY_GROUP,)
