"""The network-layer EC2 rules (default security group, NACL admin ports, database ports) and snapshot encryption.

moto creates a default VPC, its default security group (outbound all, no inbound; AWS also
adds an inbound self-reference) and its default network ACL (allow all, then deny all) in
every region; tests look findings up by the ids they created.
"""

from __future__ import annotations

from scanner.models import Status
from tests.support.aws import REGION, scan
from tests.support.results import finding, status_of

WORLD = [{"CidrIp": "0.0.0.0/0"}]
WORLD_V6 = [{"CidrIpv6": "::/0"}]
ALL_OUT = {"IpProtocol": "-1", "IpRanges": WORLD}


def _tcp(port_from, port_to=None, ipv4=WORLD, ipv6=()):
    return {
        "IpProtocol": "tcp",
        "FromPort": port_from,
        "ToPort": port_to if port_to is not None else port_from,
        "IpRanges": list(ipv4),
        "Ipv6Ranges": list(ipv6),
    }


def _group(ec2, name, *permissions, vpc_id=None) -> str:
    options = {"VpcId": vpc_id} if vpc_id else {}
    group_id = ec2.create_security_group(GroupName=name, Description=name, **options)["GroupId"]
    if permissions:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(permissions))
    return group_id


def _default_group(ec2, vpc_id) -> str:
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    return groups[0]["GroupId"]


def test_default_security_group_restricted(aws):
    ec2 = aws.client("ec2")
    stock_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    emptied_vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    stock = _default_group(ec2, stock_vpc)
    emptied = _default_group(ec2, emptied_vpc)
    # The rules AWS gives a new VPC's default group: inbound from itself, outbound anywhere.
    ec2.authorize_security_group_ingress(
        GroupId=stock, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": stock}]}]
    )
    ec2.revoke_security_group_egress(GroupId=emptied, IpPermissions=[ALL_OUT])
    custom = _group(ec2, "web", _tcp(443), vpc_id=stock_vpc)
    rule = "aws.ec2.default_security_group_restricted"
    result = scan(aws, rule)
    bad = finding(result, rule, stock)
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "default_group": True,
        "inbound_rules": [f"all traffic from {stock}"],
        "outbound_rules": ["all traffic to 0.0.0.0/0"],
        "attached": False,
    }
    good = finding(result, rule, emptied)
    assert good.status is Status.PASS
    assert good.evidence["inbound_rules"] == good.evidence["outbound_rules"] == []
    # Groups other than the default one are not evaluated.
    assert not [f for f in result.findings if f.rule_id == rule and f.resource.id == custom]


def test_security_group_public_database_ports(aws):
    ec2 = aws.client("ec2")
    mysql = _group(ec2, "open-mysql", _tcp(3306))
    redis_v6 = _group(ec2, "open-redis-range", _tcp(6000, 6500, ipv4=(), ipv6=WORLD_V6))
    everything = _group(ec2, "all-traffic", {"IpProtocol": "-1", "IpRanges": WORLD})
    udp_memcached = _group(
        ec2, "udp-memcached", {"IpProtocol": "udp", "FromPort": 11211, "ToPort": 11211, "IpRanges": WORLD}
    )
    private_db = _group(ec2, "private-postgres", _tcp(5432, ipv4=[{"CidrIp": "10.0.0.0/16"}]), _tcp(443))
    rule = "aws.ec2.security_group_no_public_database_ports"
    result = scan(aws, rule)
    bad = finding(result, rule, mysql)
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "public_database_rules": ["tcp 3306 from 0.0.0.0/0"],
        "public_database_services": ["MySQL / MariaDB / Aurora MySQL (3306)"],
        "attached": False,
    }
    ranged = finding(result, rule, redis_v6)
    assert ranged.status is Status.FAIL
    assert ranged.evidence["public_database_rules"] == ["tcp 6000-6500 from ::/0"]
    assert ranged.evidence["public_database_services"] == ["Redis / Valkey (6379)"]
    wide = finding(result, rule, everything)
    assert wide.status is Status.FAIL
    assert "PostgreSQL / Aurora PostgreSQL (5432)" in wide.evidence["public_database_services"]
    # Only TCP and all-traffic rules count, as for SSH and RDP.
    assert status_of(result, rule, udp_memcached) is Status.PASS
    good = finding(result, rule, private_db)
    assert good.status is Status.PASS
    assert good.evidence == {"public_database_rules": [], "public_database_services": [], "attached": False}


def _acl(ec2, vpc_id, *entries) -> str:
    acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    for number, action, protocol, ports, cidr in entries:
        options = {"PortRange": {"From": ports[0], "To": ports[1]}} if ports else {}
        target = {"Ipv6CidrBlock": cidr} if ":" in cidr else {"CidrBlock": cidr}
        ec2.create_network_acl_entry(
            NetworkAclId=acl,
            RuleNumber=number,
            Protocol=protocol,
            RuleAction=action,
            Egress=False,
            **target,
            **options,
        )
    return acl


def test_nacl_no_public_admin_ports(aws):
    ec2 = aws.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.3.1.0/24")["Subnet"]["SubnetId"]
    wide_open = _acl(ec2, vpc_id, (100, "allow", "-1", None, "0.0.0.0/0"))
    denied_first = _acl(
        ec2,
        vpc_id,
        (50, "deny", "6", (22, 22), "0.0.0.0/0"),
        (60, "deny", "6", (3389, 3389), "0.0.0.0/0"),
        (100, "allow", "-1", None, "0.0.0.0/0"),
    )
    # A deny for one network only does not close the port to the rest of the Internet.
    narrow_deny = _acl(
        ec2, vpc_id, (50, "deny", "6", (22, 22), "198.51.100.0/24"), (100, "allow", "6", (0, 1024), "0.0.0.0/0")
    )
    # A deny numbered after the allow comes too late.
    late_deny = _acl(ec2, vpc_id, (100, "allow", "6", (3389, 3389), "::/0"), (200, "deny", "-1", None, "::/0"))
    web_only = _acl(
        ec2, vpc_id, (100, "allow", "6", (443, 443), "0.0.0.0/0"), (110, "allow", "6", (22, 22), "10.0.0.0/8")
    )
    association = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
    ec2.replace_network_acl_association(
        AssociationId=association["NetworkAcls"][0]["Associations"][0]["NetworkAclAssociationId"],
        NetworkAclId=wide_open,
    )
    rule = "aws.ec2.nacl_no_public_admin_ports"
    result = scan(aws, rule)
    bad = finding(result, rule, wide_open)
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "public_admin_port_entries": ["rule 100 allows all traffic from 0.0.0.0/0 (ports 22, 3389)"],
        "subnet_ids": [subnet],
    }
    assert bad.resource.arn == f"arn:aws:ec2:{REGION}:123456789012:network-acl/{wide_open}"
    assert status_of(result, rule, denied_first) is Status.PASS
    narrow = finding(result, rule, narrow_deny)
    assert narrow.status is Status.FAIL
    assert narrow.evidence["public_admin_port_entries"] == ["rule 100 allows tcp 0-1024 from 0.0.0.0/0 (port 22)"]
    late = finding(result, rule, late_deny)
    assert late.status is Status.FAIL
    assert late.evidence["public_admin_port_entries"] == ["rule 100 allows tcp 3389 from ::/0 (port 3389)"]
    good = finding(result, rule, web_only)
    assert good.status is Status.PASS
    assert good.evidence == {"public_admin_port_entries": [], "subnet_ids": []}
    # moto's default ACL of the default VPC allows all traffic, as AWS's does.
    default_acls = [
        f
        for f in result.findings
        if f.rule_id == rule and f.resource.id not in {wide_open, denied_first, narrow_deny, late_deny, web_only}
    ]
    assert default_acls and all(f.status is Status.FAIL for f in default_acls)


def test_snapshot_encrypted(aws):
    ec2 = aws.client("ec2")
    plain_volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)["VolumeId"]
    sealed_volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1, Encrypted=True)["VolumeId"]
    plain = ec2.create_snapshot(VolumeId=plain_volume)["SnapshotId"]
    sealed = ec2.create_snapshot(VolumeId=sealed_volume)["SnapshotId"]
    rule = "aws.ec2.snapshot_encrypted"
    result = scan(aws, rule)
    bad = finding(result, rule, plain)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"encrypted": False, "volume_id": plain_volume}
    good = finding(result, rule, sealed)
    assert good.status is Status.PASS
    assert good.evidence == {"encrypted": True, "volume_id": sealed_volume}
