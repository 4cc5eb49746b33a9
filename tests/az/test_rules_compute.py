"""Each Azure compute rule failing and passing, through the real Compute and Network management clients."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.azure import NSGS, RG, SUB, FakeArm, arm_id, nsg, nsg_rule, scan
from tests.support.results import finding, status_of

DISKS = f"/subscriptions/{SUB}/providers/Microsoft.Compute/disks"
VMS = f"/subscriptions/{SUB}/providers/Microsoft.Compute/virtualMachines"
NICS = f"/subscriptions/{SUB}/providers/Microsoft.Network/networkInterfaces"
PUBLIC_IPS = f"/subscriptions/{SUB}/providers/Microsoft.Network/publicIPAddresses"
VNETS = f"/subscriptions/{SUB}/providers/Microsoft.Network/virtualNetworks"

CMK = "azure.compute.disk_encrypted_with_cmk"
MANAGEMENT = "azure.compute.vm_no_public_management_ports"
DES = arm_id("Microsoft.Compute/diskEncryptionSets", "des-prod")


# -- disks -------------------------------------------------------------------------


def disk(name: str, encryption: dict[str, Any] | None) -> dict[str, Any]:
    """A managed disk as ARM returns it from the subscription-wide list (2024-03-02)."""
    properties: dict[str, Any] = {
        "osType": "Linux",
        "hyperVGeneration": "V2",
        "creationData": {"createOption": "Empty"},
        "diskSizeGB": 128,
        "diskIOPSReadWrite": 500,
        "diskMBpsReadWrite": 100,
        "networkAccessPolicy": "DenyAll",
        "publicNetworkAccess": "Disabled",
        "timeCreated": "2024-05-02T09:14:31.1234567+00:00",
        "provisioningState": "Succeeded",
        "diskState": "Attached",
        "diskSizeBytes": 137438953472,
        "uniqueId": "4d6c1b2a-7e8f-4a9b-8c0d-1e2f3a4b5c6d",
    }
    if encryption is not None:
        properties["encryption"] = encryption
    return {
        "id": arm_id("Microsoft.Compute/disks", name, resource_group=RG.upper()),
        "name": name,
        "type": "Microsoft.Compute/disks",
        "location": "westeurope",
        "managedBy": arm_id("Microsoft.Compute/virtualMachines", "vm-db", resource_group=RG.upper()),
        "sku": {"name": "Premium_LRS", "tier": "Premium"},
        "tags": {"env": "prod"},
        "properties": properties,
    }


def test_disk_with_platform_key_fails_and_customer_key_passes(arm):
    arm.collection(
        DISKS,
        [
            disk("vm-db_OsDisk_1", {"type": "EncryptionAtRestWithPlatformKey"}),
            disk("legacy-data", None),
            disk("vm-db_DataDisk_0", {"type": "EncryptionAtRestWithCustomerKey", "diskEncryptionSetId": DES}),
            disk(
                "vm-db_DataDisk_1", {"type": "EncryptionAtRestWithPlatformAndCustomerKeys", "diskEncryptionSetId": DES}
            ),
        ],
        page_size=3,
    )
    result = scan(arm, CMK)
    bad = finding(result, CMK, "vm-db_OsDisk_1")
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "customer_managed_key": False,
        "encryption_type": "EncryptionAtRestWithPlatformKey",
        "disk_encryption_set_id": None,
    }
    assert bad.resource.region == "westeurope"
    assert bad.resource.tags == {"env": "prod"}
    # no encryption block at all is the platform default, not a customer key
    assert status_of(result, CMK, "legacy-data") is Status.FAIL
    good = finding(result, CMK, "vm-db_DataDisk_0")
    assert good.status is Status.PASS
    assert good.evidence == {
        "customer_managed_key": True,
        "encryption_type": "EncryptionAtRestWithCustomerKey",
        "disk_encryption_set_id": DES,
    }
    assert status_of(result, CMK, "vm-db_DataDisk_1") is Status.PASS


# -- virtual machines --------------------------------------------------------------

SUBNET_WEB = arm_id("Microsoft.Network/virtualNetworks", "vnet-prod/subnets/web")
SUBNET_APP = arm_id("Microsoft.Network/virtualNetworks", "vnet-prod/subnets/app")
SUBNET_OPEN = arm_id("Microsoft.Network/virtualNetworks", "vnet-prod/subnets/jump")


def vm(name: str, nics: list[str]) -> dict[str, Any]:
    """A virtual machine as ARM returns it from the subscription-wide list; ids in Compute's upper-case RG."""
    vm_id = arm_id("Microsoft.Compute/virtualMachines", name, resource_group=RG.upper())
    return {
        "id": vm_id,
        "name": name,
        "type": "Microsoft.Compute/virtualMachines",
        "location": "westeurope",
        "tags": {"role": "web"},
        "properties": {
            "vmId": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
            "hardwareProfile": {"vmSize": "Standard_B2s"},
            "storageProfile": {
                "imageReference": {
                    "publisher": "Canonical",
                    "offer": "ubuntu-24_04-lts",
                    "sku": "server",
                    "version": "latest",
                },
                "osDisk": {
                    "osType": "Linux",
                    "name": f"{name}_OsDisk_1",
                    "createOption": "FromImage",
                    "caching": "ReadWrite",
                    "managedDisk": {
                        "storageAccountType": "Premium_LRS",
                        "id": arm_id("Microsoft.Compute/disks", f"{name}_OsDisk_1", resource_group=RG.upper()),
                    },
                    "deleteOption": "Delete",
                    "diskSizeGB": 30,
                },
                "dataDisks": [],
            },
            "osProfile": {
                "computerName": name,
                "adminUsername": "azureuser",
                "linuxConfiguration": {"disablePasswordAuthentication": True, "provisionVMAgent": True},
                "secrets": [],
                "allowExtensionOperations": True,
            },
            "networkProfile": {
                "networkInterfaces": [
                    {"id": nic.replace(f"/resourceGroups/{RG}/", f"/resourceGroups/{RG.upper()}/")} for nic in nics
                ]
            },
            "provisioningState": "Succeeded",
        },
    }


def nic_id(name: str) -> str:
    return arm_id("Microsoft.Network/networkInterfaces", name)


def nic(name: str, vm_name: str, subnet: str, public_ip: str | None = None, nsg_name: str | None = None):
    """A network interface with one IP configuration, as the subscription-wide list returns it."""
    configuration: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "privateIPAddress": "10.0.1.4",
        "privateIPAllocationMethod": "Dynamic",
        "subnet": {"id": subnet},
        "primary": True,
        "privateIPAddressVersion": "IPv4",
    }
    if public_ip:
        configuration["publicIPAddress"] = {"id": arm_id("Microsoft.Network/publicIPAddresses", public_ip)}
    properties: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "ipConfigurations": [
            {
                "id": f"{nic_id(name)}/ipConfigurations/ipconfig1",
                "name": "ipconfig1",
                "type": "Microsoft.Network/networkInterfaces/ipConfigurations",
                "properties": configuration,
            }
        ],
        "macAddress": "00-0D-3A-2B-4C-5D",
        "enableAcceleratedNetworking": False,
        "enableIPForwarding": False,
        "primary": True,
        "virtualMachine": {"id": arm_id("Microsoft.Compute/virtualMachines", vm_name, resource_group=RG.upper())},
        "nicType": "Standard",
    }
    if nsg_name:
        properties["networkSecurityGroup"] = {"id": arm_id("Microsoft.Network/networkSecurityGroups", nsg_name)}
    return {
        "id": nic_id(name),
        "name": name,
        "type": "Microsoft.Network/networkInterfaces",
        "location": "westeurope",
        "properties": properties,
    }


def public_ip(name: str, address: str | None, sku: str = "Standard") -> dict[str, Any]:
    properties: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "publicIPAddressVersion": "IPv4",
        "publicIPAllocationMethod": "Static" if sku == "Standard" else "Dynamic",
        "idleTimeoutInMinutes": 4,
    }
    if address:
        properties["ipAddress"] = address
    return {
        "id": arm_id("Microsoft.Network/publicIPAddresses", name),
        "name": name,
        "type": "Microsoft.Network/publicIPAddresses",
        "location": "westeurope",
        "sku": {"name": sku, "tier": "Regional"},
        "properties": properties,
    }


def vnet(*subnets: tuple[str, str | None]) -> dict[str, Any]:
    """vnet-prod with (subnet id, NSG name or None) subnets; ARM spells the group in upper case here."""
    entries = []
    for subnet, nsg_name in subnets:
        properties: dict[str, Any] = {"addressPrefix": "10.0.1.0/24", "provisioningState": "Succeeded"}
        if nsg_name:
            properties["networkSecurityGroup"] = {
                "id": arm_id("Microsoft.Network/networkSecurityGroups", nsg_name, resource_group=RG.upper())
            }
        entries.append(
            {
                "id": subnet.replace(f"/resourceGroups/{RG}/", f"/resourceGroups/{RG.upper()}/"),
                "name": subnet.rsplit("/", 1)[1],
                "type": "Microsoft.Network/virtualNetworks/subnets",
                "properties": properties,
            }
        )
    return {
        "id": arm_id("Microsoft.Network/virtualNetworks", "vnet-prod"),
        "name": "vnet-prod",
        "type": "Microsoft.Network/virtualNetworks",
        "location": "westeurope",
        "properties": {
            "provisioningState": "Succeeded",
            "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
            "subnets": entries,
        },
    }


def plant_network(arm: FakeArm) -> None:
    """Six VMs covering NIC NSGs, subnet NSGs, both together, no NSG and no public IP."""
    arm.collection(
        VMS,
        [
            vm("vm-ssh-open", [nic_id("vm-ssh-open-nic")]),
            vm("vm-subnet-blocks", [nic_id("vm-subnet-blocks-nic")]),
            vm("vm-subnet-rdp", [nic_id("vm-subnet-rdp-nic")]),
            vm("vm-private", [nic_id("vm-private-nic")]),
            vm("vm-basic-no-nsg", [nic_id("vm-basic-no-nsg-nic")]),
            vm("vm-standard-no-nsg", [nic_id("vm-standard-no-nsg-nic")]),
        ],
    )
    arm.collection(
        NICS,
        [
            nic("vm-ssh-open-nic", "vm-ssh-open", SUBNET_WEB, "vm-ssh-open-ip", "nsg-ssh-open"),
            nic("vm-subnet-blocks-nic", "vm-subnet-blocks", SUBNET_APP, "vm-subnet-blocks-ip", "nsg-rdp-any"),
            nic("vm-subnet-rdp-nic", "vm-subnet-rdp", SUBNET_OPEN, "vm-subnet-rdp-ip"),
            nic("vm-private-nic", "vm-private", SUBNET_WEB, None, "nsg-ssh-open"),
            nic("vm-basic-no-nsg-nic", "vm-basic-no-nsg", SUBNET_WEB, "vm-basic-no-nsg-ip"),
            nic("vm-standard-no-nsg-nic", "vm-standard-no-nsg", SUBNET_WEB, "vm-standard-no-nsg-ip"),
        ],
        page_size=4,
    )
    arm.collection(
        PUBLIC_IPS,
        [
            public_ip("vm-ssh-open-ip", "20.61.10.5"),
            public_ip("vm-subnet-blocks-ip", "20.61.10.6"),
            public_ip("vm-subnet-rdp-ip", "20.61.10.7"),
            public_ip("vm-basic-no-nsg-ip", None, sku="Basic"),
            public_ip("vm-standard-no-nsg-ip", "20.61.10.9"),
        ],
    )
    arm.collection(
        NSGS,
        [
            nsg("nsg-ssh-open", nsg_rule("allow-ssh", 100, port="22", nsg="nsg-ssh-open")),
            nsg("nsg-rdp-any", nsg_rule("allow-rdp", 110, port="3389", source="*", nsg="nsg-rdp-any")),
            nsg("nsg-admin-only", nsg_rule("rdp-admin", 100, port="3389", source="203.0.113.0/24")),
            nsg("nsg-jump", nsg_rule("rdp-anywhere", 150, ports=["3389", "5985-5986"], sources=["0.0.0.0/0"])),
        ],
    )
    arm.collection(VNETS, [vnet((SUBNET_WEB, None), (SUBNET_APP, "nsg-admin-only"), (SUBNET_OPEN, "nsg-jump"))])


def test_vm_with_public_ip_and_open_management_ports_fails(arm):
    plant_network(arm)
    result = scan(arm, MANAGEMENT)
    bad = finding(result, MANAGEMENT, "vm-ssh-open")
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "open_management_ports": [
            "22/tcp on 20.61.10.5 (vm-ssh-open-ip) via vm-ssh-open-nic: "
            "NSG nsg-ssh-open allows allow-ssh: Tcp 22 from Internet"
        ],
        "public_ips": ["20.61.10.5 (vm-ssh-open-ip)"],
    }
    assert bad.resource.id == arm_id("Microsoft.Compute/virtualMachines", "vm-ssh-open", resource_group=RG.upper())
    assert bad.resource.region == "westeurope"
    assert bad.resource.tags == {"role": "web"}
    # the subnet's NSG, found through the virtual network list with ids in another case
    subnet_level = finding(result, MANAGEMENT, "vm-subnet-rdp")
    assert subnet_level.status is Status.FAIL
    assert subnet_level.evidence["open_management_ports"] == [
        "3389/tcp on 20.61.10.7 (vm-subnet-rdp-ip) via vm-subnet-rdp-nic: "
        "NSG nsg-jump allows rdp-anywhere: Tcp 3389,5985-5986 from 0.0.0.0/0"
    ]
    # a Basic public IP with no NSG anywhere on the path admits every port
    basic = finding(result, MANAGEMENT, "vm-basic-no-nsg")
    assert basic.status is Status.FAIL
    assert basic.evidence == {
        "open_management_ports": [
            f"{port}/tcp on vm-basic-no-nsg-ip (no address allocated yet) via vm-basic-no-nsg-nic: "
            "no NSG on the NIC or its subnet"
            for port in (22, 3389)
        ],
        "public_ips": ["vm-basic-no-nsg-ip (no address allocated yet)"],
    }


def test_vm_without_public_exposure_passes(arm):
    plant_network(arm)
    result = scan(arm, MANAGEMENT)
    # the NIC's NSG allows RDP from anywhere but the subnet's NSG admits only the admin range
    blocked = finding(result, MANAGEMENT, "vm-subnet-blocks")
    assert blocked.status is Status.PASS
    assert blocked.evidence == {"open_management_ports": [], "public_ips": ["20.61.10.6 (vm-subnet-blocks-ip)"]}
    # an open NSG on a NIC without a public IP is not reachable from the Internet
    private = finding(result, MANAGEMENT, "vm-private")
    assert private.status is Status.PASS
    assert private.evidence == {"open_management_ports": [], "public_ips": []}
    # a Standard public IP is closed to inbound traffic unless an NSG opens it
    assert status_of(result, MANAGEMENT, "vm-standard-no-nsg") is Status.PASS


def test_network_interface_lookup_refused_gives_error_not_pass(arm):
    plant_network(arm)
    arm.error(
        NICS,
        403,
        "AuthorizationFailed",
        "The client 'scanner' with object id '11111111-2222-4333-8444-555555555555' does not have authorization "
        "to perform action 'Microsoft.Network/networkInterfaces/read' over scope "
        f"'/subscriptions/{SUB}' or the scope is invalid.",
    )
    result = scan(arm, MANAGEMENT)
    for name in ("vm-ssh-open", "vm-private", "vm-standard-no-nsg"):
        error = finding(result, MANAGEMENT, name)
        assert error.status is Status.ERROR
        assert "network_interfaces.list_all failed" in error.message
        assert "AuthorizationFailed" in error.message


def test_security_group_lookup_refused_gives_error_not_pass(arm):
    plant_network(arm)
    arm.error(
        NSGS,
        403,
        "AuthorizationFailed",
        "The client 'scanner' with object id '11111111-2222-4333-8444-555555555555' does not have authorization "
        "to perform action 'Microsoft.Network/networkSecurityGroups/read' over scope "
        f"'/subscriptions/{SUB}' or the scope is invalid.",
    )
    result = scan(arm, MANAGEMENT)
    error = finding(result, MANAGEMENT, "vm-standard-no-nsg")
    assert error.status is Status.ERROR
    assert "network_security_groups.list_all failed: AuthorizationFailed" in error.message
