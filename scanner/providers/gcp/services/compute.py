"""Compute Engine: firewall rules, VPC networks, VM instances and persistent disks.

Instances and disks come from the aggregated lists (every zone and region in one
paged call); the transport turns each ``(scope, scoped list)`` pair into
``{"scope": ..., "instances": [...]}``, which the listing's result flattens.
Only the few metadata keys the rules read are kept from instance and project
metadata: metadata can carry startup scripts and other values that must never
reach a report.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from scanner.providers.gcp.resources import self_linked
from scanner.providers.spec import Call, Item, Lookup

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


FIREWALL = self_linked(
    type="gcp.compute.firewall",
    service="compute.firewalls",
    listing=Call("list", _PROJECT),
    normalize=_normalize_firewall,
)


def _last(url: Any) -> str | None:
    """The last path segment of a Compute self link (zone, region, network), or None."""
    return str(url).rstrip("/").rsplit("/", 1)[-1] if url else None


def _normalize_network(item: Item) -> dict[str, Any]:
    raw = item.raw
    legacy = "IPv4Range" in raw  # a legacy network has one range and no subnets
    mode = "legacy" if legacy else ("auto" if raw.get("autoCreateSubnetworks") else "custom")
    return {
        "is_default_network": raw.get("name") == "default",
        "subnet_mode": mode,
        "subnetwork_count": len(raw.get("subnetworks") or []),
    }


NETWORK = self_linked(
    type="gcp.compute.network",
    service="compute.networks",
    listing=Call("list", _PROJECT),
    normalize=_normalize_network,
)

# -- instances -------------------------------------------------------------------

OS_LOGIN, SERIAL_PORT, BLOCK_PROJECT_KEYS = "enable-oslogin", "serial-port-enable", "block-project-ssh-keys"
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


def metadata_flag(items: list[dict[str, Any]] | None, key: str) -> bool | None:
    """A boolean metadata key as Compute Engine reads it: True, False, or None when unset or unreadable."""
    for entry in items or []:
        if entry.get("key") == key:
            value = str(entry.get("value", "")).strip().lower()
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
            return None
    return None


def _region_of(raw: dict[str, Any]) -> tuple[str | None, str | None]:
    """(zone, region) of a zonal or regional resource."""
    zone = _last(raw.get("zone"))
    region = _last(raw.get("region")) or (zone.rsplit("-", 1)[0] if zone else None)
    return zone, region


def public_addresses(instance: dict[str, Any]) -> list[str]:
    """External IPv4 (access configs with a NAT IP) and external IPv6 addresses of the instance's interfaces."""
    found = []
    for interface in instance.get("networkInterfaces") or []:
        name = interface.get("name", "nic")
        for config in interface.get("accessConfigs") or []:
            if config.get("natIP"):
                found.append(f"{name}: {config['natIP']}")
        for config in interface.get("ipv6AccessConfigs") or []:
            if config.get("externalIpv6"):
                found.append(f"{name}: {config['externalIpv6']}")
    return found


def _normalize_instance(item: Item) -> dict[str, Any]:
    raw = item.raw
    zone, region = _region_of(raw)
    own = (raw.get("metadata") or {}).get("items")
    project = item.lookups.get("project_metadata")
    os_login_instance = metadata_flag(own, OS_LOGIN)
    os_login_project = metadata_flag(project, OS_LOGIN)
    serial_instance = metadata_flag(own, SERIAL_PORT)
    serial_project = metadata_flag(project, SERIAL_PORT)
    shielded = raw.get("shieldedInstanceConfig") or {}
    return {
        "zone": zone,
        "region": region,
        "status": raw.get("status"),
        "os_login_instance": os_login_instance,
        "os_login_project": os_login_project,
        # the instance's own value wins; unset there, the project's common metadata decides
        "os_login_enabled": (os_login_instance if os_login_instance is not None else os_login_project) is True,
        "serial_port_instance": serial_instance,
        "serial_port_project": serial_project,
        "serial_port_enabled": (serial_instance if serial_instance is not None else serial_project) is True,
        "secure_boot": bool(shielded.get("enableSecureBoot", False)),
        "vtpm": bool(shielded.get("enableVtpm", False)),
        "integrity_monitoring": bool(shielded.get("enableIntegrityMonitoring", False)),
        "public_ips": public_addresses(raw),
        "block_project_ssh_keys": metadata_flag(own, BLOCK_PROJECT_KEYS) is True,
    }


INSTANCE = self_linked(
    type="gcp.compute.instance",
    service="compute.instances",
    listing=Call("aggregated_list", {"request": _PROJECT}, result="[].instances[]"),
    normalize=_normalize_instance,
    lookups=(
        Lookup(
            "project_metadata",
            Call("get", _PROJECT, result="commonInstanceMetadata.items", service="compute.projects"),
            provides=("os_login_project", "os_login_enabled", "serial_port_project", "serial_port_enabled"),
        ),
    ),
    region_field="region",
)

# -- disks -----------------------------------------------------------------------


def _normalize_disk(item: Item) -> dict[str, Any]:
    raw = item.raw
    zone, region = _region_of(raw)
    key = raw.get("diskEncryptionKey") or {}
    if key.get("kmsKeyName"):
        encryption = "customer-managed (Cloud KMS)"
    elif key.get("sha256") or key.get("rsaEncryptedKey"):
        encryption = "customer-supplied"
    else:
        encryption = "Google-managed"
    return {
        "zone": zone,
        "region": region,
        "kms_key_name": key.get("kmsKeyName"),
        "encryption": encryption,
        "attached_to": [_last(user) for user in raw.get("users") or []],
    }


DISK = self_linked(
    type="gcp.compute.disk",
    service="compute.disks",
    listing=Call("aggregated_list", {"request": _PROJECT}, result="[].disks[]"),
    normalize=_normalize_disk,
    region_field="region",
)

SPECS = (FIREWALL, NETWORK, INSTANCE, DISK)
