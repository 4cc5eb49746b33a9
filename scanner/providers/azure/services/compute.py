"""Compute: managed-disk encryption keys, and virtual machines reachable on SSH/RDP from the Internet.

A VM's exposure is worked out by joining, by ARM id (compared case-insensitively),
four subscription-wide lists from the network client: network interfaces, public
IP addresses, network security groups and virtual networks (for subnet NSGs).
Inbound traffic must pass the subnet's NSG and then the NIC's NSG, so a port is
open on a public IP only if every NSG in the path lets it in from the Internet.
With no NSG at all, a Basic-SKU public IP admits everything while a Standard-SKU
one (secure by default) admits nothing. Load-balancer NAT rules and Azure Bastion
are not followed: only public IPs on the VM's own NICs count.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.azure.arm import arm_resource
from scanner.providers.azure.services.network import RDP, SSH, by_id, internet_port_rules
from scanner.providers.spec import Call, Item, Lookup

# -- managed disks -----------------------------------------------------------------

CUSTOMER_KEY_TYPES = ("EncryptionAtRestWithCustomerKey", "EncryptionAtRestWithPlatformAndCustomerKeys")


def _normalize_disk(item: Item) -> dict[str, Any]:
    properties = item.raw.get("properties") or {}
    encryption = properties.get("encryption") or {}
    # absent means the platform default: server-side encryption with a Microsoft-managed key
    encryption_type = encryption.get("type") or "EncryptionAtRestWithPlatformKey"
    return {
        "encryption_type": encryption_type,
        "customer_managed_key": encryption_type in CUSTOMER_KEY_TYPES,
        "disk_encryption_set_id": encryption.get("diskEncryptionSetId"),
        # Azure Disk Encryption (BitLocker / dm-crypt inside the guest), reported for context only
        "azure_disk_encryption": (properties.get("encryptionSettingsCollection") or {}).get("enabled") is True,
        "disk_state": properties.get("diskState"),
    }


DISK = arm_resource(
    type="azure.compute.disk",
    service="compute",
    listing=Call("disks.list"),
    normalize=_normalize_disk,
)


# -- virtual machines --------------------------------------------------------------

_MANAGEMENT_PORTS = (SSH, RDP)


def _ref(value: Any) -> str | None:
    """The lower-cased id of an ARM sub-resource reference ``{"id": ...}``."""
    if isinstance(value, dict) and value.get("id"):
        return str(value["id"]).lower()
    return None


def _subnet_nsgs(networks: list[Any] | None) -> dict[str, str | None]:
    """Subnet id -> id of the NSG associated with it (None if none), from the virtual-network list."""
    found: dict[str, str | None] = {}
    for network in networks or []:
        for subnet in (network.get("properties") or {}).get("subnets") or []:
            if subnet.get("id"):
                found[str(subnet["id"]).lower()] = _ref((subnet.get("properties") or {}).get("networkSecurityGroup"))
    return found


def _vm_nics(item: Item, nics: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The VM's NICs: those its network profile names and those that name it as their VM."""
    vm_id = str(item.raw.get("id") or "").lower()
    profile = (item.raw.get("properties") or {}).get("networkProfile") or {}
    wanted = {_ref(entry) for entry in profile.get("networkInterfaces") or []} - {None}
    wanted |= {
        nic_id for nic_id, nic in nics.items() if _ref((nic.get("properties") or {}).get("virtualMachine")) == vm_id
    }
    return [nics[nic_id] for nic_id in sorted(wanted) if nic_id in nics]


def _address(public_ip: dict[str, Any]) -> str:
    address = (public_ip.get("properties") or {}).get("ipAddress")
    name = public_ip.get("name")
    return f"{address} ({name})" if address else f"{name} (no address allocated yet)"


def _exposure(
    address: str,
    nic_name: str,
    public_ip: dict[str, Any],
    nsg_ids: list[str],
    nsgs: dict[str, dict[str, Any]],
) -> list[str]:
    """What makes SSH/RDP reachable on one public IP, one line per open port."""
    path = [nsgs[nsg_id] for nsg_id in nsg_ids if nsg_id in nsgs]
    open_ports = []
    for port in _MANAGEMENT_PORTS:
        if not path:
            # no NSG on the subnet or the NIC: only a Basic-SKU public IP lets traffic in
            if str((public_ip.get("sku") or {}).get("name") or "Basic").lower() == "basic":
                open_ports.append(f"{port}/tcp on {address} via {nic_name}: no NSG on the NIC or its subnet")
            continue
        allowed = [(nsg.get("name"), internet_port_rules(nsg, port)) for nsg in path]
        if all(rules for _, rules in allowed):
            reasons = "; ".join(f"NSG {name} allows {', '.join(rules)}" for name, rules in allowed)
            open_ports.append(f"{port}/tcp on {address} via {nic_name}: {reasons}")
    return open_ports


def _normalize_virtual_machine(item: Item) -> dict[str, Any]:
    nics = by_id(item.lookups.get("network_interfaces"))
    public_ips = by_id(item.lookups.get("public_ip_addresses"))
    nsgs = by_id(item.lookups.get("network_security_groups"))
    subnet_nsgs = _subnet_nsgs(item.lookups.get("virtual_networks"))
    addresses: list[str] = []
    exposed: list[str] = []
    for nic in _vm_nics(item, nics):
        nic_properties = nic.get("properties") or {}
        nic_nsg = _ref(nic_properties.get("networkSecurityGroup"))
        for configuration in nic_properties.get("ipConfigurations") or []:
            configuration_properties = configuration.get("properties") or {}
            public_ip = public_ips.get(_ref(configuration_properties.get("publicIPAddress")) or "")
            if public_ip is None:
                continue
            address = _address(public_ip)
            addresses.append(address)
            subnet_nsg = subnet_nsgs.get(_ref(configuration_properties.get("subnet")) or "")
            nsg_ids = [nsg_id for nsg_id in (subnet_nsg, nic_nsg) if nsg_id]
            exposed.extend(_exposure(address, str(nic.get("name")), public_ip, nsg_ids, nsgs))
    return {
        "public_ips": sorted(set(addresses)),
        "open_management_ports": sorted(set(exposed)),
    }


_EXPOSURE_FIELDS = ("public_ips", "open_management_ports")

VIRTUAL_MACHINE = arm_resource(
    type="azure.compute.virtual_machine",
    service="compute",
    listing=Call("virtual_machines.list_all"),
    lookups=(
        Lookup("network_interfaces", Call("network_interfaces.list_all", service="network"), _EXPOSURE_FIELDS),
        Lookup("public_ip_addresses", Call("public_ip_addresses.list_all", service="network"), _EXPOSURE_FIELDS),
        Lookup(
            "network_security_groups",
            Call("network_security_groups.list_all", service="network"),
            ("open_management_ports",),
        ),
        Lookup("virtual_networks", Call("virtual_networks.list_all", service="network"), ("open_management_ports",)),
    ),
    normalize=_normalize_virtual_machine,
)

SPECS = (DISK, VIRTUAL_MACHINE)
