"""EC2 and VPC: security groups, network ACLs, EBS volumes and snapshots, AMIs, instances, VPC flow logs."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import yaml

from scanner.providers.spec import Call, Detail, Item, Lookup, ResourceSpec, singleton, tag_list

_PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_PORTED = ("tcp", "udp")
_SSH, _RDP = 22, 3389
_ADMIN_PORTS = (_SSH, _RDP)


def _database_ports() -> dict[int, str]:
    """Port -> engine, from ``ec2_database_ports.yaml`` (each entry names the vendor page it comes from)."""
    data = yaml.safe_load((Path(__file__).with_name("ec2_database_ports.yaml")).read_text(encoding="utf-8"))
    return {int(entry["port"]): str(entry["service"]) for entry in data["ports"]}


_DATABASE_PORTS = _database_ports()


def _name_or(id_field: str) -> str:
    """An identity template: the Name tag if set, else the resource id."""
    return "{not_null(Tags[?Key=='Name'].Value | [0], " + id_field + ")}"


# -- security groups -----------------------------------------------------------


def _is_anywhere(cidr: Any) -> bool:
    try:
        return ipaddress.ip_network(str(cidr), strict=False).prefixlen == 0
    except ValueError:
        return False


def _open_sources(permission: dict[str, Any]) -> list[str]:
    """The CIDRs of an ingress permission that mean "the whole Internet" (0.0.0.0/0, ::/0)."""
    sources = [entry.get("CidrIp") for entry in permission.get("IpRanges") or []]
    sources += [entry.get("CidrIpv6") for entry in permission.get("Ipv6Ranges") or []]
    return [str(source) for source in sources if _is_anywhere(source)]


def _protocol(permission: dict[str, Any]) -> str:
    raw = str(permission.get("IpProtocol", "-1")).lower()
    return _PROTOCOL_NAMES.get(raw, raw)


def _label(protocol: str, permission: dict[str, Any], source: str, preposition: str = "from") -> str:
    if protocol == "-1":
        return f"all traffic {preposition} {source}"
    low, high = permission.get("FromPort"), permission.get("ToPort")
    if protocol in _PORTED and low is not None:
        ports = str(low) if low == high else f"{low}-{high}"
        return f"{protocol} {ports} {preposition} {source}"
    return f"{protocol} {preposition} {source}"


def _all_sources(permission: dict[str, Any]) -> list[str]:
    """Every peer of a permission: CIDRs, prefix lists and security groups."""
    peers = [str(entry.get("CidrIp")) for entry in permission.get("IpRanges") or []]
    peers += [str(entry.get("CidrIpv6")) for entry in permission.get("Ipv6Ranges") or []]
    peers += [str(entry.get("PrefixListId")) for entry in permission.get("PrefixListIds") or []]
    peers += [str(pair.get("GroupId") or pair.get("GroupName")) for pair in permission.get("UserIdGroupPairs") or []]
    return peers


def _rule_labels(permissions: list[dict[str, Any]] | None, preposition: str) -> list[str]:
    return sorted(
        {
            _label(_protocol(permission), permission, peer, preposition)
            for permission in permissions or []
            for peer in _all_sources(permission)
        }
    )


def _covers_port(protocol: str, permission: dict[str, Any], port: int) -> bool:
    if protocol == "-1":
        return True
    if protocol != "tcp":
        return False
    low, high = permission.get("FromPort"), permission.get("ToPort")
    return low is not None and high is not None and low <= port <= high


def _covers_all_ports(protocol: str, permission: dict[str, Any]) -> bool:
    if protocol == "-1":
        return True
    if protocol not in _PORTED:
        return False
    low, high = permission.get("FromPort"), permission.get("ToPort")
    # Port 0 is reserved, so 1-65535 opens every usable port just as 0-65535 does.
    return low is not None and high is not None and low <= 1 and high >= 65535


def _normalize_security_group(item: Item) -> dict[str, Any]:
    public: list[str] = []
    ssh: list[str] = []
    rdp: list[str] = []
    all_ports: list[str] = []
    database: list[str] = []
    database_services: set[str] = set()
    for permission in item.raw.get("IpPermissions") or []:
        protocol = _protocol(permission)
        for source in _open_sources(permission):
            label = _label(protocol, permission, source)
            public.append(label)
            if _covers_port(protocol, permission, _SSH):
                ssh.append(label)
            if _covers_port(protocol, permission, _RDP):
                rdp.append(label)
            if _covers_all_ports(protocol, permission):
                all_ports.append(label)
            reached = {port: name for port, name in _DATABASE_PORTS.items() if _covers_port(protocol, permission, port)}
            if reached:
                database.append(label)
                database_services.update(f"{name} ({port})" for port, name in reached.items())
    in_use = set(item.lookups.get("groups_in_use") or [])
    return {
        "vpc_id": item.raw.get("VpcId"),
        # Every VPC has exactly one group named "default"; no other group may take that name.
        "default_group": item.raw.get("GroupName") == "default",
        "public_ingress_rules": sorted(set(public)),
        "public_ssh_rules": sorted(set(ssh)),
        "public_rdp_rules": sorted(set(rdp)),
        "public_all_ports_rules": sorted(set(all_ports)),
        "public_database_rules": sorted(set(database)),
        "public_database_services": sorted(database_services),
        "inbound_rules": _rule_labels(item.raw.get("IpPermissions"), "from"),
        "outbound_rules": _rule_labels(item.raw.get("IpPermissionsEgress"), "to"),
        "attached": item.raw.get("GroupId") in in_use,
    }


SECURITY_GROUP = ResourceSpec(
    type="aws.ec2.security_group",
    service="ec2",
    scope="regional",
    listing=Call("describe_security_groups", result="SecurityGroups"),
    id="{GroupId}",
    name="{GroupName}",
    arn="arn:{partition}:ec2:{region}:{account}:security-group/{GroupId}",
    lookups=(
        Lookup(
            "groups_in_use",
            Call("describe_network_interfaces", result="NetworkInterfaces[].Groups[].GroupId"),
            ("attached",),
        ),
    ),
    normalize=_normalize_security_group,
    tags=tag_list("Tags"),
)


# -- network ACLs ----------------------------------------------------------------

_NACL_SOURCES = ("CidrBlock", "Ipv6CidrBlock")  # IPv4 and IPv6 entries


def _entry_covers_port(entry: dict[str, Any], port: int) -> bool:
    protocol = str(entry.get("Protocol", "-1"))
    if protocol == "-1":
        return True
    if protocol != "6":
        return False
    ports = entry.get("PortRange")
    if not ports:
        return True
    return ports.get("From", 0) <= port <= ports.get("To", 65535)


def _entry_label(entry: dict[str, Any], source: str) -> str:
    protocol = _PROTOCOL_NAMES.get(str(entry.get("Protocol", "-1")), str(entry.get("Protocol")))
    ports = entry.get("PortRange") or {}
    if protocol == "-1":
        what = "all traffic"
    elif "From" in ports:
        what = (
            f"{protocol} {ports['From']}"
            if ports["From"] == ports.get("To")
            else f"{protocol} {ports['From']}-{ports.get('To')}"
        )
    else:
        what = protocol
    return f"rule {entry.get('RuleNumber')} allows {what} from {source}"


def _public_admin_entries(entries: list[dict[str, Any]] | None) -> list[str]:
    """Inbound entries through which the whole Internet reaches SSH or RDP.

    A NACL applies its inbound entries in rule-number order and the first match wins. For the
    Internet as a whole only entries whose source is 0.0.0.0/0 (or ::/0) decide: a narrower
    deny leaves the rest of the Internet to the next entries, a narrower allow opens nothing
    to everyone. So per address family and admin port, the lowest-numbered /0 entry matching
    the port decides; the port is open if that entry allows.
    """
    inbound = sorted(
        (entry for entry in entries or [] if not entry.get("Egress")), key=lambda entry: int(entry.get("RuleNumber", 0))
    )
    opened: dict[str, list[int]] = {}
    for key in _NACL_SOURCES:
        for port in _ADMIN_PORTS:
            for entry in inbound:
                source = entry.get(key)
                if source is None or not _is_anywhere(source) or not _entry_covers_port(entry, port):
                    continue
                if entry.get("RuleAction") == "allow":
                    opened.setdefault(_entry_label(entry, str(source)), []).append(port)
                break
    return sorted(
        f"{label} ({'ports' if len(ports) > 1 else 'port'} {', '.join(map(str, ports))})"
        for label, ports in opened.items()
    )


NETWORK_ACL = ResourceSpec(
    type="aws.ec2.network_acl",
    service="ec2",
    scope="regional",
    listing=Call("describe_network_acls", result="NetworkAcls"),
    id="{NetworkAclId}",
    name=_name_or("NetworkAclId"),
    arn="arn:{partition}:ec2:{region}:{account}:network-acl/{NetworkAclId}",
    normalize=lambda item: {
        "vpc_id": item.raw.get("VpcId"),
        "is_default": bool(item.raw.get("IsDefault", False)),
        "subnet_ids": sorted(
            {
                str(association["SubnetId"])
                for association in item.raw.get("Associations") or []
                if "SubnetId" in association
            }
        ),
        "public_admin_port_entries": _public_admin_entries(item.raw.get("Entries")),
    },
    tags=tag_list("Tags"),
)


# -- EBS -------------------------------------------------------------------------

VOLUME = ResourceSpec(
    type="aws.ec2.volume",
    service="ec2",
    scope="regional",
    listing=Call("describe_volumes", result="Volumes"),
    id="{VolumeId}",
    name=_name_or("VolumeId"),
    arn="arn:{partition}:ec2:{region}:{account}:volume/{VolumeId}",
    normalize=lambda item: {
        "encrypted": bool(item.raw.get("Encrypted", False)),
        "kms_key_id": item.raw.get("KmsKeyId"),
        "volume_state": item.raw.get("State"),
        "attached_instances": sorted(
            {
                str(attachment["InstanceId"])
                for attachment in item.raw.get("Attachments") or []
                if "InstanceId" in attachment
            }
        ),
    },
    tags=tag_list("Tags"),
)

REGION_SETTINGS = singleton(
    type="aws.ec2.region_settings",
    service="ec2",
    id="{region}",
    name="EC2 settings in {region}",
    scope="regional",
    details=(
        Detail(
            "ebs_encryption",
            Call("get_ebs_encryption_by_default", result="EbsEncryptionByDefault"),
            lambda enabled: {"ebs_encryption_by_default": bool(enabled)},
        ),
    ),
)


def _create_volume_permissions(permissions: list[dict[str, Any]] | None) -> dict[str, Any]:
    permissions = permissions or []
    return {
        "public": any(permission.get("Group") == "all" for permission in permissions),
        "shared_with_accounts": sorted({str(p["UserId"]) for p in permissions if "UserId" in p}),
    }


SNAPSHOT = ResourceSpec(
    type="aws.ec2.snapshot",
    service="ec2",
    scope="regional",
    # The owner-id filter repeats OwnerIds=self; moto ignores OwnerIds and would list every AMI's snapshot.
    listing=Call(
        "describe_snapshots",
        {"OwnerIds": ["self"], "Filters": [{"Name": "owner-id", "Values": ["{account}"]}]},
        result="Snapshots",
    ),
    id="{SnapshotId}",
    name=_name_or("SnapshotId"),
    # Snapshot and image ARNs carry no account id.
    arn="arn:{partition}:ec2:{region}::snapshot/{SnapshotId}",
    details=(
        Detail(
            "create_volume_permissions",
            Call(
                "describe_snapshot_attribute",
                {"SnapshotId": "{SnapshotId}", "Attribute": "createVolumePermission"},
                result="CreateVolumePermissions",
            ),
            _create_volume_permissions,
        ),
    ),
    normalize=lambda item: {
        "encrypted": bool(item.raw.get("Encrypted", False)),
        "volume_id": item.raw.get("VolumeId"),
    },
    tags=tag_list("Tags"),
)


# -- AMIs and instances ----------------------------------------------------------

IMAGE = ResourceSpec(
    type="aws.ec2.image",
    service="ec2",
    scope="regional",
    listing=Call("describe_images", {"Owners": ["self"]}, result="Images"),
    id="{ImageId}",
    name="{not_null(Name, ImageId)}",
    arn="arn:{partition}:ec2:{region}::image/{ImageId}",
    normalize=lambda item: {
        "public": bool(item.raw.get("Public", False)),
        "image_state": item.raw.get("State"),
    },
    tags=tag_list("Tags"),
)


def _normalize_instance(item: Item) -> dict[str, Any]:
    # Only metadata settings and identifiers: never UserData or anything else secret.
    raw = item.raw
    metadata = raw.get("MetadataOptions") or {}
    return {
        "state": (raw.get("State") or {}).get("Name"),
        "http_tokens": metadata.get("HttpTokens"),
        "http_endpoint": metadata.get("HttpEndpoint"),
        "instance_type": raw.get("InstanceType"),
        "image_id": raw.get("ImageId"),
        "public_ip": raw.get("PublicIpAddress"),
    }


INSTANCE = ResourceSpec(
    type="aws.ec2.instance",
    service="ec2",
    scope="regional",
    listing=Call("describe_instances", result="Reservations[].Instances[]"),
    id="{InstanceId}",
    name=_name_or("InstanceId"),
    arn="arn:{partition}:ec2:{region}:{account}:instance/{InstanceId}",
    normalize=_normalize_instance,
    tags=tag_list("Tags"),
)


# -- VPC -------------------------------------------------------------------------


def _normalize_vpc(item: Item) -> dict[str, Any]:
    vpc_id = item.raw.get("VpcId")
    active = [
        flow_log
        for flow_log in item.lookups.get("flow_logs") or []
        if flow_log.get("ResourceId") == vpc_id and flow_log.get("FlowLogStatus", "ACTIVE") == "ACTIVE"
    ]
    return {
        "is_default": bool(item.raw.get("IsDefault", False)),
        "cidr_block": item.raw.get("CidrBlock"),
        "flow_logs_enabled": bool(active),
        "flow_logs": sorted(
            f"{flow_log.get('FlowLogId')} {flow_log.get('TrafficType')} to {flow_log.get('LogDestinationType')}"
            for flow_log in active
        ),
    }


VPC = ResourceSpec(
    type="aws.ec2.vpc",
    service="ec2",
    scope="regional",
    listing=Call("describe_vpcs", result="Vpcs"),
    id="{VpcId}",
    name=_name_or("VpcId"),
    arn="arn:{partition}:ec2:{region}:{account}:vpc/{VpcId}",
    lookups=(Lookup("flow_logs", Call("describe_flow_logs", result="FlowLogs"), ("flow_logs_enabled", "flow_logs")),),
    normalize=_normalize_vpc,
    tags=tag_list("Tags"),
)

SPECS = (SECURITY_GROUP, NETWORK_ACL, VOLUME, REGION_SETTINGS, SNAPSHOT, IMAGE, INSTANCE, VPC)
