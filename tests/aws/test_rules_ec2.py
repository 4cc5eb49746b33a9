"""Each EC2/VPC rule failing and passing on a moto account.

moto creates a default VPC and default security group in every region; tests
look findings up by the ids they created.
"""

from __future__ import annotations

from scanner.models import Status
from tests.support.aws import REGION, inventory, scan
from tests.support.results import finding, status_of

WORLD = [{"CidrIp": "0.0.0.0/0"}]
WORLD_V6 = [{"CidrIpv6": "::/0"}]


def _ami(ec2) -> str:
    return ec2.describe_images(Filters=[{"Name": "architecture", "Values": ["x86_64"]}])["Images"][0]["ImageId"]


def _group(ec2, name, *permissions) -> str:
    group_id = ec2.create_security_group(GroupName=name, Description=name)["GroupId"]
    if permissions:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(permissions))
    return group_id


def _tcp(port_from, port_to=None, ipv4=WORLD, ipv6=()):
    return {
        "IpProtocol": "tcp",
        "FromPort": port_from,
        "ToPort": port_to if port_to is not None else port_from,
        "IpRanges": list(ipv4),
        "Ipv6Ranges": list(ipv6),
    }


def test_security_group_public_ssh(aws):
    ec2 = aws.client("ec2")
    open_ssh = _group(ec2, "open-ssh", _tcp(22))
    wide_range = _group(ec2, "wide-range", _tcp(20, 30, ipv4=(), ipv6=WORLD_V6))
    private_ssh = _group(ec2, "private-ssh", _tcp(22, ipv4=[{"CidrIp": "10.0.0.0/8"}]), _tcp(443))
    rule = "aws.ec2.security_group_no_public_ssh"
    result = scan(aws, rule)
    bad = finding(result, rule, open_ssh)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"public_ssh_rules": ["tcp 22 from 0.0.0.0/0"], "attached": False}
    assert bad.resource.arn.endswith(f":security-group/{open_ssh}")
    wide = finding(result, rule, wide_range)
    assert wide.status is Status.FAIL
    assert wide.evidence["public_ssh_rules"] == ["tcp 20-30 from ::/0"]
    good = finding(result, rule, private_ssh)
    assert good.status is Status.PASS
    assert good.evidence == {"public_ssh_rules": [], "attached": False}


def test_security_group_public_rdp_attached(aws):
    ec2 = aws.client("ec2")
    open_rdp = _group(ec2, "open-rdp", _tcp(3389, ipv6=WORLD_V6))
    ssh_only = _group(ec2, "ssh-only", _tcp(22))
    ec2.run_instances(ImageId=_ami(ec2), MinCount=1, MaxCount=1, SecurityGroupIds=[open_rdp])
    rule = "aws.ec2.security_group_no_public_rdp"
    result = scan(aws, rule)
    bad = finding(result, rule, open_rdp)
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "public_rdp_rules": ["tcp 3389 from 0.0.0.0/0", "tcp 3389 from ::/0"],
        "attached": True,
    }
    good = finding(result, rule, ssh_only)
    assert good.status is Status.PASS
    assert good.evidence["public_rdp_rules"] == []


def test_security_group_public_all_ports(aws):
    ec2 = aws.client("ec2")
    all_traffic = _group(ec2, "all-traffic", {"IpProtocol": "-1", "IpRanges": WORLD})
    full_udp = _group(ec2, "full-udp", {"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, "Ipv6Ranges": WORLD_V6})
    internal_all = _group(ec2, "internal-all", {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/16"}]})
    web = _group(ec2, "web", _tcp(443), _tcp(80))
    rules = (
        "aws.ec2.security_group_no_public_all_ports",
        "aws.ec2.security_group_no_public_ssh",
        "aws.ec2.security_group_no_public_rdp",
    )
    result = scan(aws, *rules)
    all_ports, ssh, rdp = rules
    bad = finding(result, all_ports, all_traffic)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"public_all_ports_rules": ["all traffic from 0.0.0.0/0"], "attached": False}
    # Opening every port also opens SSH and RDP.
    assert finding(result, ssh, all_traffic).evidence["public_ssh_rules"] == ["all traffic from 0.0.0.0/0"]
    assert status_of(result, rdp, all_traffic) is Status.FAIL
    udp = finding(result, all_ports, full_udp)
    assert udp.status is Status.FAIL
    assert udp.evidence["public_all_ports_rules"] == ["udp 0-65535 from ::/0"]
    # UDP 22 is not SSH.
    assert status_of(result, ssh, full_udp) is Status.PASS
    assert status_of(result, all_ports, internal_all) is Status.PASS
    good = finding(result, all_ports, web)
    assert good.status is Status.PASS
    assert good.evidence == {"public_all_ports_rules": [], "attached": False}
    assert status_of(result, ssh, web) is Status.PASS


def test_volume_encrypted(aws):
    ec2 = aws.client("ec2")
    plain = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)["VolumeId"]
    sealed = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1, Encrypted=True, KmsKeyId="alias/ebs")["VolumeId"]
    rule = "aws.ec2.volume_encrypted"
    result = scan(aws, rule)
    bad = finding(result, rule, plain)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"encrypted": False, "kms_key_id": None}
    good = finding(result, rule, sealed)
    assert good.status is Status.PASS
    assert good.evidence == {"encrypted": True, "kms_key_id": "alias/ebs"}


def test_ebs_encryption_by_default_per_region(aws):
    aws.client("ec2", region_name="eu-west-1").enable_ebs_encryption_by_default()
    rule = "aws.ec2.ebs_encryption_by_default"
    result = scan(aws, rule, regions=["us-east-1", "eu-west-1"])
    off = finding(result, rule, "us-east-1")
    assert off.status is Status.FAIL
    assert off.evidence == {"ebs_encryption_by_default": False}
    assert off.resource.name == "EC2 settings in us-east-1"
    on = finding(result, rule, "eu-west-1")
    assert on.status is Status.PASS
    assert on.evidence == {"ebs_encryption_by_default": True}
    assert on.resource.region == "eu-west-1"


def test_snapshot_not_public(aws):
    ec2 = aws.client("ec2")
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)["VolumeId"]
    public = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    shared = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    private = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=public, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
    )
    ec2.modify_snapshot_attribute(
        SnapshotId=shared, Attribute="createVolumePermission", OperationType="add", UserIds=["111122223333"]
    )
    rule = "aws.ec2.snapshot_not_public"
    result = scan(aws, rule)
    # Only our own snapshots are listed, not those behind moto's stock AMIs.
    snapshot_ids = {f.resource.id for f in result.findings if f.rule_id == rule}
    assert snapshot_ids == {public, shared, private}
    bad = finding(result, rule, public)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"public": True, "shared_with_accounts": []}
    assert bad.resource.arn == f"arn:aws:ec2:{REGION}::snapshot/{public}"
    named = finding(result, rule, shared)
    assert named.status is Status.PASS
    assert named.evidence == {"public": False, "shared_with_accounts": ["111122223333"]}
    assert status_of(result, rule, private) is Status.PASS


def test_image_not_public(aws):
    ec2 = aws.client("ec2")
    instance = ec2.run_instances(ImageId=_ami(ec2), MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    public = ec2.create_image(InstanceId=instance, Name="public-image")["ImageId"]
    private = ec2.create_image(InstanceId=instance, Name="private-image")["ImageId"]
    ec2.modify_image_attribute(ImageId=public, LaunchPermission={"Add": [{"Group": "all"}]})
    rule = "aws.ec2.image_not_public"
    result = scan(aws, rule)
    assert {f.resource.id for f in result.findings if f.rule_id == rule} == {public, private}
    bad = finding(result, rule, public)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"public": True, "image_state": "available"}
    assert bad.resource.name == "public-image"
    good = finding(result, rule, private)
    assert good.status is Status.PASS
    assert good.evidence["public"] is False


def test_instance_imdsv2_required(aws):
    ec2 = aws.client("ec2")
    ami = _ami(ec2)

    def launch(**options):
        return ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, **options)["Instances"][0]["InstanceId"]

    v1 = launch(
        UserData="echo not-collected",
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "legacy"}]}],
    )
    v2 = launch(MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"})
    no_imds = launch(MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "disabled"})
    gone = launch()
    ec2.terminate_instances(InstanceIds=[gone])
    rule = "aws.ec2.instance_imdsv2_required"
    result = scan(aws, rule)
    bad = finding(result, rule, v1)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"http_tokens": "optional", "http_endpoint": "enabled", "state": "running"}
    assert bad.resource.name == "legacy"
    good = finding(result, rule, v2)
    assert good.status is Status.PASS
    assert good.evidence["http_tokens"] == "required"
    assert status_of(result, rule, no_imds) is Status.PASS
    # Terminated instances yield no finding at all.
    assert not [f for f in result.findings if f.resource.id == gone]


def test_instance_config_never_holds_user_data(aws):
    ec2 = aws.client("ec2")
    ec2.run_instances(ImageId=_ami(ec2), MinCount=1, MaxCount=1, UserData="demo-user-data-marker")
    collected = inventory(aws, ["aws.ec2.instance"], regions=[REGION])
    instances = [resource for resource in collected.resources if resource.type == "aws.ec2.instance"]
    assert len(instances) == 1
    assert "marker" not in instances[0].model_dump_json()
    assert instances[0].config["http_tokens"] == "optional"


def test_vpc_flow_logs_enabled(aws):
    ec2 = aws.client("ec2")
    aws.client("s3").create_bucket(Bucket="flow-log-bucket")
    logged = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    unlogged = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    flow_log = ec2.create_flow_logs(
        ResourceIds=[logged],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-log-bucket",
    )["FlowLogIds"][0]
    rule = "aws.ec2.vpc_flow_logs_enabled"
    result = scan(aws, rule)
    good = finding(result, rule, logged)
    assert good.status is Status.PASS
    assert good.evidence == {"flow_logs_enabled": True, "flow_logs": [f"{flow_log} ALL to s3"]}
    bad = finding(result, rule, unlogged)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"flow_logs_enabled": False, "flow_logs": []}
