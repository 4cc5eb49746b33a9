"""Demo EC2/VPC: world-open security groups (SSH, RDP, all ports, PostgreSQL), an unencrypted volume,
a public unencrypted snapshot, an IMDSv1 instance.

Beside them, well-configured counterparts: a narrowly open web group, an
encrypted volume and private snapshot, an IMDSv2-only instance, a VPC with flow
logs, an emptied default security group and a network ACL denying admin ports
from the Internet, and EBS encryption by default in the first region only.
"""

from __future__ import annotations

import boto3

WORLD = [{"CidrIp": "0.0.0.0/0"}]


def _tags(resource_type: str, name: str) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def _group(ec2, name: str, vpc_id: str, *permissions: dict) -> str:
    group_id = ec2.create_security_group(
        GroupName=name,
        Description=f"cloudscan demo: {name}",
        VpcId=vpc_id,
        TagSpecifications=_tags("security-group", name),
    )["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(permissions))
    return group_id


def _tcp(port: int, ranges: list[dict] | None = None, ipv6: list[dict] | None = None) -> dict:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": ranges or [], "Ipv6Ranges": ipv6 or []}


def _ami(ec2) -> str:
    images = ec2.describe_images(Filters=[{"Name": "architecture", "Values": ["x86_64"]}])["Images"]
    return sorted(image["ImageId"] for image in images)[0]


def _lock_down_defaults(ec2, vpc_id: str) -> None:
    """Empty the VPC's default security group and deny SSH and RDP from the Internet in its default NACL."""
    default_group = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]
    if default_group.get("IpPermissions"):
        ec2.revoke_security_group_ingress(
            GroupId=default_group["GroupId"], IpPermissions=default_group["IpPermissions"]
        )
    if default_group.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(
            GroupId=default_group["GroupId"], IpPermissions=default_group["IpPermissionsEgress"]
        )
    acl_id = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"][0]["NetworkAclId"]
    for number, port in ((50, 22), (51, 3389)):
        ec2.create_network_acl_entry(
            NetworkAclId=acl_id,
            RuleNumber=number,
            Protocol="6",
            RuleAction="deny",
            Egress=False,
            CidrBlock="0.0.0.0/0",
            PortRange={"From": port, "To": port},
        )


def plant(session: boto3.Session, regions: list[str]) -> None:
    secure_region, legacy_region = regions[0], regions[-1]

    # Legacy region: everything left wide open.
    ec2 = session.client("ec2", region_name=legacy_region)
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    ssh = _group(ec2, "demo-bastion-ssh", vpc_id, _tcp(22, WORLD))
    _group(ec2, "demo-rdp-jumpbox", vpc_id, _tcp(3389, ipv6=[{"CidrIpv6": "::/0"}]))
    _group(ec2, "demo-debug-wide-open", vpc_id, {"IpProtocol": "-1", "IpRanges": WORLD})
    _group(ec2, "demo-reporting-postgres", vpc_id, _tcp(5432, WORLD))
    ec2.run_instances(
        ImageId=_ami(ec2),
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SecurityGroupIds=[ssh],
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
        TagSpecifications=_tags("instance", "demo-legacy-bastion"),
    )
    scratch = ec2.create_volume(
        AvailabilityZone=f"{legacy_region}a", Size=8, TagSpecifications=_tags("volume", "demo-scratch-data")
    )["VolumeId"]
    shared = ec2.create_snapshot(
        VolumeId=scratch, Description="cloudscan demo", TagSpecifications=_tags("snapshot", "demo-shared-backup")
    )["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=shared, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
    )

    # Secure region: encrypted by default, narrow groups, IMDSv2 only, flow logs on.
    ec2 = session.client("ec2", region_name=secure_region)
    ec2.enable_ebs_encryption_by_default()
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=_tags("vpc", "demo-app-vpc"))["Vpc"]["VpcId"]
    _lock_down_defaults(ec2, vpc_id)
    web = _group(ec2, "demo-web-https", vpc_id, _tcp(443, WORLD), _tcp(22, [{"CidrIp": "10.20.0.0/16"}]))
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.1.0/24", AvailabilityZone=f"{secure_region}a")
    ec2.run_instances(
        ImageId=_ami(ec2),
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SubnetId=subnet["Subnet"]["SubnetId"],
        SecurityGroupIds=[web],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        # moto does not apply encryption by default to root volumes, as AWS would; ask for it.
        BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8, "Encrypted": True}}],
        TagSpecifications=_tags("instance", "demo-web-server"),
    )
    data = ec2.create_volume(
        AvailabilityZone=f"{secure_region}a",
        Size=20,
        Encrypted=True,
        KmsKeyId="alias/demo-ebs",
        TagSpecifications=_tags("volume", "demo-db-data"),
    )["VolumeId"]
    ec2.create_snapshot(
        VolumeId=data, Description="cloudscan demo", TagSpecifications=_tags("snapshot", "demo-db-backup")
    )
    logs = session.client("logs", region_name=secure_region)
    logs.create_log_group(logGroupName="demo-vpc-flow-logs")
    ec2.create_flow_logs(
        ResourceIds=[vpc_id],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="cloud-watch-logs",
        LogGroupName="demo-vpc-flow-logs",
        DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/demo-flow-logs",
    )
