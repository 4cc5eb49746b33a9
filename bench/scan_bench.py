"""Scan benchmark: wall time, API calls per scanned resource and peak memory of a real AWS scan against moto.

Usage (from the repository root)::

    python bench/scan_bench.py                      # 20 resources over 2 regions
    python bench/scan_bench.py --resources 2000 --json bench-2000.json
    python bench/scan_bench.py --resources 2000 --profile 25   # cProfile of the scan, all threads
    python bench/scan_bench.py --noise 40           # plus 40 resources of kinds no rule reads

What happens:

1. A moto server is started as a *child process* on 127.0.0.1 and a free port
   (``python -m moto.server -H 127.0.0.1 -p PORT``), so its memory and CPU are
   not counted as the scanner's. Nothing talks to any non-loopback address.
2. The account gets an organization with one SCP and an IAM credential report;
   then N resources are planted with plain boto3 calls (independent of the
   scanner's code), round-robin over every scanned resource kind moto can create
   (31 kinds in 19 services, one kind of each service first; ``--kinds`` picks
   others) and over regions; half of them are misconfigured. A kind that moto
   cannot create is dropped with a warning. Helpers a kind needs (a trail's
   bucket, a snapshot's volume) are made once per region and shown apart.
   ``--noise M`` adds M resources of kinds that no rule reads (SSM, Kinesis,
   EventBridge, Route 53): they are reported as "planted, not scanned" and
   never counted as scanned.
3. The real scan (``_run_scan``: every AWS rule) runs in a *second child process*
   that reports its wall time, peak RSS (VmHWM), and what it read and called:
   - the resources the scan collected, per resource type, taken from the
     ``Inventory`` its ``Collector`` returned (their total must equal
     ``ScanResult.scan.resources_scanned``, or the bench says MISMATCH);
   - the SDK calls it made, per resource type, service and operation, from
     botocore hooks on the session handed to the scan: ``before-call`` (one per
     API call, whatever the retries), ``before-send`` (HTTP requests, retries
     included), ``needs-retry`` (attempts answered with an error) and
     ``before-parameter-build`` (identical calls made twice: duplicates);
   - scan errors, ERROR findings by rule and failed detail steps, per service,
     so moto's gaps are visible.
4. Tables are printed: calls per scanned resource, scan errors and ERROR
   findings per service; planted, helper and scanned counts per type; PASS/MISS
   against the targets. ``--json`` writes the whole summary.

Speed and memory targets live here, never in timed tests.

S3 Control and the moto server: botocore builds S3 Control URLs as
``http://<account-id>.<endpoint host>``; against ``http://127.0.0.1:PORT`` that host
(``123456789012.127.0.0.1``) does not resolve and ``inject_host_prefix=False`` does
not help (the prefix comes from the endpoint ruleset). The scanner strips that
prefix for IP/localhost endpoints (``scanner/providers/aws/session.py``); the
benchmark does not work around it: an ERROR finding in the table would show a
regression.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3

REPO = Path(__file__).resolve().parents[1]
HOME_REGION = "us-east-1"
DEFAULT_REGIONS = ["eu-west-1", "us-east-1", "eu-central-1", "us-west-2"]
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench-access-key",
    "AWS_SECRET_ACCESS_KEY": "bench-secret-key",
    "AWS_SESSION_TOKEN": "bench-session-token",
    "AWS_DEFAULT_REGION": HOME_REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}
DEMO_PASSWORD = "DemoOnly-NotASecret-1"
BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
ADMIN_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
MB = 1024 * 1024

# (applies to planted resource counts up to, wall seconds); the memory target applies to every run.
WALL_TARGETS = ((20, 3.0), (2000, 30.0))
MEMORY_TARGET_MB = 250.0


# -- environment and session ---------------------------------------------------


def point_at(port: int) -> None:
    """Point every AWS client of this process at the loopback moto server, with fake credentials."""
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(FAKE_CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    # Never read the developer's real AWS config or credential files.
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


def make_session() -> boto3.Session:
    return boto3.Session(
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
        region_name=HOME_REGION,
    )


# -- moto server (child process) -----------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto(port: int, timeout: float = 30.0) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    stop_moto(process)
    raise RuntimeError(f"moto server did not answer on 127.0.0.1:{port} within {timeout:.0f} s")


def stop_moto(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def proc_status_mb(pid: int | str, field: str = "VmHWM") -> float | None:
    """A memory line of /proc/PID/status in MB (VmHWM = peak RSS, VmRSS = current); Linux only."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def own_peak_rss_mb() -> float:
    """Peak RSS of this process.

    VmHWM where /proc exists: ``ru_maxrss`` is inherited from the parent across
    fork+exec on Linux, so a child started by a big parent would report the
    parent's peak. Elsewhere ``ru_maxrss`` (KB on Linux/BSD, bytes on macOS).
    """
    peak = proc_status_mb("self")
    if peak is not None:
        return peak
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / MB if sys.platform == "darwin" else maxrss / 1024


# -- planting (plain boto3, independent of the scanner) --------------------------

Planter = Callable[[boto3.Session, str, int, bool], None]

# Resources a planter needs but that are not the kind it plants (a trail's bucket, a snapshot's volume), created once
# per region and counted apart: the scan reads them too, so the report shows them beside the planted counts.
HELPERS: Counter[str] = Counter()
_HELPER_VALUES: dict[tuple[str, str], Any] = {}
_HELPER_LOCK = threading.RLock()  # a helper may need another (an image source instance needs an AMI)


def _helper(resource_type: str | None, region: str, make: Callable[[], Any]) -> Any:
    """The value of ``make()``, made once per (what, region); counted under ``resource_type`` if the scan reads it."""
    key = (f"{resource_type}:{make.__name__}", region)
    with _HELPER_LOCK:  # helpers are few; holding the lock while one is made keeps this simple
        if key not in _HELPER_VALUES:
            _HELPER_VALUES[key] = make()
            if resource_type:
                HELPERS[resource_type] += 1
        return _HELPER_VALUES[key]


def _bucket(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    s3 = session.client("s3", region_name=region)
    name = f"bench-bucket-{index:05d}"
    _create_bucket(s3, name, region)
    if secure:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "bench", "Value": "secure"}]})
    else:
        s3.put_bucket_acl(Bucket=name, ACL="public-read")


def _create_bucket(s3: Any, name: str, region: str) -> None:
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})


def _default_vpc(session: boto3.Session, region: str) -> tuple[str, list[str]]:
    """The region's default VPC and its subnets (moto creates both)."""

    def default_vpc() -> tuple[str, list[str]]:
        ec2 = session.client("ec2", region_name=region)
        vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
        return vpc_id, [s["SubnetId"] for s in sorted(subnets, key=lambda s: s["AvailabilityZone"])]

    return _helper(None, region, default_vpc)


def _security_group(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    ec2 = session.client("ec2", region_name=region)
    group = ec2.create_security_group(GroupName=f"bench-sg-{index:05d}", Description="cloudscan benchmark")
    cidr, port = ("10.0.0.0/8", 443) if secure else ("0.0.0.0/0", 22)
    ec2.authorize_security_group_ingress(
        GroupId=group["GroupId"],
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}],
    )


def _volume(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    ec2 = session.client("ec2", region_name=region)
    ec2.create_volume(
        AvailabilityZone=f"{region}a",
        Size=1,
        Encrypted=secure,
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": f"bench-vol-{index:05d}"}]}],
    )


def _image_id(session: boto3.Session, region: str) -> str:
    def amazon_image() -> str:
        ec2 = session.client("ec2", region_name=region)
        return ec2.describe_images(Owners=["amazon"], MaxResults=5)["Images"][0]["ImageId"]

    return _helper(None, region, amazon_image)


def _instance(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    ec2 = session.client("ec2", region_name=region)
    ec2.run_instances(
        ImageId=_image_id(session, region),
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        MetadataOptions={"HttpTokens": "required" if secure else "optional", "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": f"bench-i-{index:05d}"}]}],
    )


def _snapshot(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    ec2 = session.client("ec2", region_name=region)

    def snapshot_source_volume() -> str:
        return ec2.create_volume(AvailabilityZone=f"{region}a", Size=1, Encrypted=True)["VolumeId"]

    volume = _helper("aws.ec2.volume", region, snapshot_source_volume)
    snapshot = ec2.create_snapshot(VolumeId=volume, Description=f"bench-snap-{index:05d}")["SnapshotId"]
    if not secure:
        ec2.modify_snapshot_attribute(
            SnapshotId=snapshot, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
        )


def _image(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    ec2 = session.client("ec2", region_name=region)

    def image_source_instance() -> str:
        return ec2.run_instances(ImageId=_image_id(session, region), InstanceType="t3.micro", MinCount=1, MaxCount=1)[
            "Instances"
        ][0]["InstanceId"]

    instance = _helper("aws.ec2.instance", region, image_source_instance)
    image = ec2.create_image(InstanceId=instance, Name=f"bench-ami-{index:05d}")["ImageId"]
    if not secure:
        ec2.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [{"Group": "all"}]})


def _vpc(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    ec2 = session.client("ec2", region_name=region)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    if secure:
        ec2.create_flow_logs(
            ResourceIds=[vpc],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="s3",
            LogDestination="arn:aws:s3:::bench-flow-logs",
        )


def _network_acl(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    ec2 = session.client("ec2", region_name=region)
    vpc, _ = _default_vpc(session, region)
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=100,
        Protocol="6",
        RuleAction="deny" if secure else "allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 22, "To": 22},
    )


def _load_balancer(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    elbv2 = session.client("elbv2", region_name=region)
    _, subnets = _default_vpc(session, region)
    arn = elbv2.create_load_balancer(
        Name=f"bench-alb-{index:05d}", Subnets=subnets[:2], Scheme="internet-facing", Type="application"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    if secure:
        action = {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
        elbv2.modify_load_balancer_attributes(
            LoadBalancerArn=arn,
            Attributes=[
                {"Key": "access_logs.s3.enabled", "Value": "true"},
                {"Key": "access_logs.s3.bucket", "Value": "bench-alb-logs"},
            ],
        )
    else:
        action = {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}
    elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=[action])


def _distribution(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    origin = {
        "Id": "origin",
        "DomainName": f"origin-{index:05d}.bench.example",
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": "https-only" if secure else "http-only",
        },
    }
    config = {
        "CallerReference": f"bench-cdn-{index:05d}",
        "Comment": "cloudscan benchmark",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {
            "TargetOriginId": "origin",
            "ViewerProtocolPolicy": "redirect-to-https" if secure else "allow-all",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
    }
    session.client("cloudfront", region_name=HOME_REGION).create_distribution(DistributionConfig=config)


def _iam_user(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    iam = session.client("iam", region_name=HOME_REGION)
    name = f"bench-user-{index:05d}"
    iam.create_user(UserName=name, Tags=[{"Key": "bench", "Value": "yes"}])
    if not secure:
        # Console password and a directly attached, over-broad inline policy. (The moto server does not
        # load AWS managed policies by default, so none is attached.)
        iam.create_login_profile(UserName=name, Password=DEMO_PASSWORD)
        iam.put_user_policy(UserName=name, PolicyName="bench-admin", PolicyDocument=ADMIN_POLICY)


def _trust(principal: dict[str, str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
        }
    )


def _iam_role(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    principal = {"Service": "ec2.amazonaws.com"} if secure else {"AWS": "*"}
    session.client("iam", region_name=HOME_REGION).create_role(
        RoleName=f"bench-role-{index:05d}", AssumeRolePolicyDocument=_trust(principal)
    )


def _iam_group(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    iam = session.client("iam", region_name=HOME_REGION)
    name = f"bench-group-{index:05d}"
    iam.create_group(GroupName=name)
    if not secure:
        iam.put_group_policy(GroupName=name, PolicyName="bench-admin", PolicyDocument=ADMIN_POLICY)


def _iam_policy(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    document = ADMIN_POLICY
    if secure:
        statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bench-reports/*"}
        document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    session.client("iam", region_name=HOME_REGION).create_policy(
        PolicyName=f"bench-policy-{index:05d}", PolicyDocument=document
    )


def _kms_key(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    kms = session.client("kms", region_name=region)
    key = kms.create_key(Description=f"bench-key-{index:05d}")
    if secure:
        kms.enable_key_rotation(KeyId=key["KeyMetadata"]["KeyId"])


def _secret(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    # A placeholder value; the scanner never reads secret values.
    session.client("secretsmanager", region_name=region).create_secret(
        Name=f"bench/secret-{index:05d}", SecretString="bench-only-not-a-secret"
    )


def _certificate(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    session.client("acm", region_name=region).request_certificate(
        DomainName=f"site-{index:05d}.bench.example", KeyAlgorithm="RSA_2048" if secure else "RSA_1024"
    )


def _trail(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    def trail_bucket() -> str:
        name = f"bench-trail-logs-{region}"
        _create_bucket(session.client("s3", region_name=region), name, region)
        return name

    bucket = _helper("aws.s3.bucket", region, trail_bucket)
    session.client("cloudtrail", region_name=region).create_trail(
        Name=f"bench-trail-{index:05d}", S3BucketName=bucket, EnableLogFileValidation=secure
    )


def _rds_instance(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    session.client("rds", region_name=region).create_db_instance(
        DBInstanceIdentifier=f"bench-db-{index:05d}",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="benchadmin",
        MasterUserPassword=DEMO_PASSWORD,
        StorageEncrypted=secure,
        PubliclyAccessible=not secure,
        BackupRetentionPeriod=7 if secure else 0,
    )


def _rds_cluster(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    session.client("rds", region_name=region).create_db_cluster(
        DBClusterIdentifier=f"bench-cluster-{index:05d}",
        Engine="aurora-postgresql",
        MasterUsername="benchadmin",
        MasterUserPassword=DEMO_PASSWORD,
        StorageEncrypted=secure,
        DeletionProtection=secure,
        BackupRetentionPeriod=7 if secure else 1,
    )


def _rds_parameter_group(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    rds = session.client("rds", region_name=region)
    name = f"bench-params-{index:05d}"
    rds.create_db_parameter_group(
        DBParameterGroupName=name, DBParameterGroupFamily="postgres16", Description="cloudscan benchmark"
    )
    if secure:
        rds.modify_db_parameter_group(
            DBParameterGroupName=name,
            Parameters=[{"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "pending-reboot"}],
        )


def _rds_snapshot(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    rds = session.client("rds", region_name=region)

    def snapshot_source_db() -> str:
        name = f"bench-snapshot-source-{region}"
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            Engine="postgres",
            DBInstanceClass="db.t3.micro",
            AllocatedStorage=20,
            MasterUsername="benchadmin",
            MasterUserPassword=DEMO_PASSWORD,
            StorageEncrypted=True,
        )
        return name

    source = _helper("aws.rds.instance", region, snapshot_source_db)
    name = f"bench-dbsnap-{index:05d}"
    rds.create_db_snapshot(DBInstanceIdentifier=source, DBSnapshotIdentifier=name)
    if not secure:
        rds.modify_db_snapshot_attribute(DBSnapshotIdentifier=name, AttributeName="restore", ValuesToAdd=["all"])


def _sns_topic(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    attributes = {"KmsMasterKeyId": "alias/aws/sns"} if secure else {}
    session.client("sns", region_name=region).create_topic(Name=f"bench-topic-{index:05d}", Attributes=attributes)


def _sqs_queue(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    attributes = {"SqsManagedSseEnabled": "true"} if secure else {"SqsManagedSseEnabled": "false"}
    session.client("sqs", region_name=region).create_queue(QueueName=f"bench-queue-{index:05d}", Attributes=attributes)


def _log_group(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    logs = session.client("logs", region_name=region)
    name = f"/bench/group-{index:05d}"
    logs.create_log_group(logGroupName=name)
    if secure:
        logs.put_retention_policy(logGroupName=name, retentionInDays=365)


def _dynamodb_table(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    session.client("dynamodb", region_name=region).create_table(
        TableName=f"bench-table-{index:05d}",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": secure},
        DeletionProtectionEnabled=secure,
    )


def _efs(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    session.client("efs", region_name=region).create_file_system(
        CreationToken=f"bench-efs-{index:05d}", Encrypted=secure
    )


def _ecr_repository(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    ecr = session.client("ecr", region_name=region)
    name = f"bench-repo-{index:05d}"
    ecr.create_repository(
        repositoryName=name,
        imageScanningConfiguration={"scanOnPush": secure},
        imageTagMutability="IMMUTABLE" if secure else "MUTABLE",
    )
    if not secure:
        statement = {"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage"]}
        ecr.set_repository_policy(
            repositoryName=name, policyText=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        )


def _eks_cluster(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    session.client("eks", region_name=region).create_cluster(
        name=f"bench-eks-{index:05d}",
        roleArn="arn:aws:iam::123456789012:role/bench-eks",
        resourcesVpcConfig={
            "subnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
            "endpointPublicAccess": not secure,
            "endpointPrivateAccess": True,
        },
        logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": secure}]},
    )


_LAMBDA_ZIP: list[bytes] = []


def _lambda_function(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    import io
    import zipfile

    def lambda_role() -> str:
        return session.client("iam", region_name=HOME_REGION).create_role(
            RoleName="bench-lambda", AssumeRolePolicyDocument=_trust({"Service": "lambda.amazonaws.com"})
        )["Role"]["Arn"]

    role = _helper("aws.iam.role", "global", lambda_role)
    if not _LAMBDA_ZIP:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
        _LAMBDA_ZIP.append(buffer.getvalue())
    awslambda = session.client("lambda", region_name=region)
    name = f"bench-fn-{index:05d}"
    awslambda.create_function(
        FunctionName=name,
        Runtime="python3.12" if secure else "python3.7",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _LAMBDA_ZIP[0]},
    )
    if not secure:
        awslambda.add_permission(FunctionName=name, StatementId="anyone", Action="lambda:InvokeFunction", Principal="*")


def _backup_vault(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    session.client("backup", region_name=region).create_backup_vault(BackupVaultName=f"bench-vault-{index:05d}")


# Noise: kinds no AWS rule reads.


def _ssm_parameter(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    session.client("ssm", region_name=region).put_parameter(
        Name=f"/bench/param-{index:05d}", Value="bench", Type="String"
    )


def _kinesis_stream(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    session.client("kinesis", region_name=region).create_stream(StreamName=f"bench-stream-{index:05d}", ShardCount=1)


def _events_rule(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    session.client("events", region_name=region).put_rule(
        Name=f"bench-rule-{index:05d}", ScheduleExpression="rate(1 day)"
    )


def _hosted_zone(session: boto3.Session, region: str, index: int, secure: bool) -> None:
    session.client("route53", region_name=HOME_REGION).create_hosted_zone(
        Name=f"zone-{index:05d}.bench.example", CallerReference=f"bench-zone-{index:05d}"
    )


# Kind name -> (planter, regional?, the resource type a scan lists it as, or None if no rule reads it).
# Global kinds ignore the region they are handed. Scanned types not planted here are settings records the scan
# reads once per account or region (aws.*.region_settings, aws.account.settings, aws.iam.account, aws.s3.account,
# aws.cloudwatch.region_monitoring, aws.organizations.organization, the aggregates).
KINDS: dict[str, tuple[Planter, bool, str | None]] = {
    # One kind of each service first, so a small account (the default 20) still touches every service that has
    # scanned kinds; round-robin planting follows this order.
    "s3_bucket": (_bucket, True, "aws.s3.bucket"),
    "ec2_security_group": (_security_group, True, "aws.ec2.security_group"),
    "iam_user": (_iam_user, False, "aws.iam.user"),
    "kms_key": (_kms_key, True, "aws.kms.key"),
    "rds_instance": (_rds_instance, True, "aws.rds.instance"),
    "cloudtrail_trail": (_trail, True, "aws.cloudtrail.trail"),
    "elbv2_load_balancer": (_load_balancer, True, "aws.elbv2.load_balancer"),
    "cloudfront_distribution": (_distribution, False, "aws.cloudfront.distribution"),
    "secretsmanager_secret": (_secret, True, "aws.secretsmanager.secret"),
    "acm_certificate": (_certificate, True, "aws.acm.certificate"),
    "dynamodb_table": (_dynamodb_table, True, "aws.dynamodb.table"),
    "efs_file_system": (_efs, True, "aws.efs.file_system"),
    "sns_topic": (_sns_topic, True, "aws.sns.topic"),
    "sqs_queue": (_sqs_queue, True, "aws.sqs.queue"),
    "logs_log_group": (_log_group, True, "aws.logs.log_group"),
    "ecr_repository": (_ecr_repository, True, "aws.ecr.repository"),
    "eks_cluster": (_eks_cluster, True, "aws.eks.cluster"),
    "lambda_function": (_lambda_function, True, "aws.lambda.function"),
    "backup_vault": (_backup_vault, True, "aws.backup.vault"),
    # Then the other kinds of services with several.
    "ec2_instance": (_instance, True, "aws.ec2.instance"),
    "iam_role": (_iam_role, False, "aws.iam.role"),
    "rds_cluster": (_rds_cluster, True, "aws.rds.cluster"),
    "ec2_volume": (_volume, True, "aws.ec2.volume"),
    "iam_group": (_iam_group, False, "aws.iam.group"),
    "rds_parameter_group": (_rds_parameter_group, True, "aws.rds.parameter_group"),
    "ec2_snapshot": (_snapshot, True, "aws.ec2.snapshot"),
    "iam_policy": (_iam_policy, False, "aws.iam.policy"),
    "rds_snapshot": (_rds_snapshot, True, "aws.rds.snapshot"),
    "ec2_image": (_image, True, "aws.ec2.image"),
    "ec2_vpc": (_vpc, True, "aws.ec2.vpc"),
    "ec2_network_acl": (_network_acl, True, "aws.ec2.network_acl"),
    # Noise: no AWS rule reads these; planted only with --noise and never counted as scanned.
    "ssm_parameter": (_ssm_parameter, True, None),
    "kinesis_stream": (_kinesis_stream, True, None),
    "events_rule": (_events_rule, True, None),
    "route53_hosted_zone": (_hosted_zone, False, None),
}
SCANNED_KINDS = [kind for kind, (_, _, resource_type) in KINDS.items() if resource_type]
NOISE_KINDS = [kind for kind, (_, _, resource_type) in KINDS.items() if not resource_type]


def set_up_account(session: boto3.Session) -> list[str]:
    """Account state a real account has and the scan reads once: an organization with one SCP, a credential report.

    Without them the organization rules have nothing to read and the root-usage rule reports ERROR
    (ReportNotPresent): an account state, not a moto gap. Returns what was done, for the report.
    """
    done = []
    organizations = session.client("organizations", region_name=HOME_REGION)
    organizations.create_organization(FeatureSet="ALL")
    statement = {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}},
    }
    policy = organizations.create_policy(
        Name="bench-region-residency",
        Description="cloudscan benchmark",
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )["Policy"]["PolicySummary"]["Id"]
    root = organizations.list_roots()["Roots"][0]["Id"]
    organizations.attach_policy(PolicyId=policy, TargetId=root)
    done.append("organization with 1 SCP on its root")
    session.client("iam", region_name=HOME_REGION).generate_credential_report()
    done.append("IAM credential report generated")
    return done


def plant(
    session: boto3.Session, total: int, regions: list[str], kinds: list[str], workers: int = 4, start: int = 0
) -> dict[str, Any]:
    """Create ``total`` resources round-robin over ``kinds`` and ``regions``; about half are misconfigured.

    Each kind is probed with its first resource; a kind moto rejects is dropped (and
    its share goes to the remaining kinds) so the account still holds ``total``.
    ``start`` offsets the resource names, so two calls never collide.
    """
    usable: list[str] = []
    dropped: dict[str, str] = {}
    planted: Counter[str] = Counter()
    index = start
    for kind in kinds:
        if index >= start + total:
            break
        planter = KINDS[kind][0]
        try:
            planter(session, regions[0], index, False)
        except Exception as exc:  # any moto gap drops the kind, with the reason shown
            dropped[kind] = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
            continue
        usable.append(kind)
        planted[kind] += 1
        index += 1
    if not usable:
        raise RuntimeError(f"no resource kind could be planted: {dropped}")

    # The n-th resource of a kind goes to region n mod len(regions); every other round over the regions is
    # well configured, so each region gets both (with "odd n" and 2 regions, one region got all the bad ones).
    jobs = []
    queued = Counter(planted)
    for position in range(index, start + total):
        kind = usable[position % len(usable)]
        nth = queued[kind]
        queued[kind] += 1
        region = regions[nth % len(regions)] if KINDS[kind][1] else HOME_REGION
        jobs.append((kind, region, position, (nth // len(regions)) % 2 == 1))

    def run(job: tuple[str, str, int, bool]) -> str:
        kind, region, position, secure = job
        KINDS[kind][0](session, region, position, secure)
        return kind

    with ThreadPoolExecutor(max_workers=workers) as executor:
        planted.update(executor.map(run, jobs))
    return {"planted": dict(sorted(planted.items())), "dropped": dropped, "helpers": dict(sorted(HELPERS.items()))}


# -- the measured scan (runs in its own process) ---------------------------------


def _run_scan(session: boto3.Session, regions: list[str], max_workers: int) -> Any:
    """The one call into the scanner: every AWS rule, these regions, this many workers."""
    from scanner.providers.aws.provider import AwsTarget
    from scanner.scan import run_scan
    from scanner.settings import ApiSettings

    return run_scan("aws", session, AwsTarget(regions=tuple(regions)), settings=ApiSettings(max_workers=max_workers))


_ASKER = threading.local()  # the resource type whose listing or enrichment runs on this thread
OUTSIDE = "(provider)"  # calls made outside the collection: the caller identity, region discovery


class CallCounter:
    """Counts the SDK calls made through a boto3 session, by service and operation and by the asking resource type.

    ``before-call`` fires once per API call (retries are not calls); ``before-send``
    once per HTTP request (retries included). ``before-parameter-build`` sees the
    call's own parameters: two calls with the same service, region, operation and
    parameters are duplicates (pages of one listing differ in their page token).
    Clients copy the session's handlers when they are created, so this is
    registered before the scan makes any client. The asking type comes from
    ``_attribute_calls``: a call is counted for the type whose listing or detail
    step made it, whatever SDK service it went to (CloudWatch's alarm check calls
    SNS); a call several types share is made once and counted for the first.
    """

    def __init__(self, session: boto3.Session):
        self.calls: Counter[tuple[str, str]] = Counter()
        self.by_type: Counter[tuple[str, str, str]] = Counter()
        self.identical: Counter[tuple[str, str, str, str]] = Counter()
        self.requests = 0
        self.sent: Counter[str] = Counter()  # by "<service id>.<operation>", as the send event names them
        self.calls_by_id: Counter[str] = Counter()
        self._lock = threading.Lock()
        session.events.register("before-parameter-build", self._on_params)
        session.events.register("before-call", self._on_call)
        session.events.register("before-send", self._on_send)
        self.retry_reasons: Counter[str] = Counter()
        session.events.register("needs-retry", self._on_attempt)

    def _on_params(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        key = (
            model.service_model.service_name,
            str(context.get("client_region")),
            model.name,
            json.dumps(params, sort_keys=True, default=str),
        )
        with self._lock:
            self.identical[key] += 1

    def _on_call(self, model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        with self._lock:
            self.calls[(service, model.name)] += 1
            self.calls_by_id[f"{model.service_model.service_id.hyphenize()}.{model.name}"] += 1
            self.by_type[(getattr(_ASKER, "type", None) or OUTSIDE, service, model.name)] += 1

    def _on_send(self, event_name: str, **_: Any) -> None:
        with self._lock:
            self.requests += 1
            self.sent[event_name.removeprefix("before-send.")] += 1

    def _on_attempt(self, event_name: str, response: Any = None, caught_exception: Any = None, **_: Any) -> None:
        """Attempts answered with an error (HTTP status and code) or an exception; retried or not."""
        if caught_exception is not None:
            reason = type(caught_exception).__name__
        elif response is not None and response[0].status_code >= 300:
            reason = f"HTTP {response[0].status_code} {response[1].get('Error', {}).get('Code', '')}".strip()
        else:
            return
        with self._lock:
            self.retry_reasons[f"{event_name.removeprefix('needs-retry.')}: {reason}"] += 1

    def retried(self) -> dict[str, int]:
        """HTTP requests beyond one per call, per ``service:operation`` (botocore's retries)."""
        extra = {}
        for name, count in self.sent.items():
            if count > self.calls_by_id.get(name, 0):
                extra[name.replace(".", ":", 1)] = count - self.calls_by_id.get(name, 0)
        return dict(sorted(extra.items()))

    def by_service(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for (service, _), count in self.calls.items():
            totals[service] += count
        return dict(sorted(totals.items()))

    def duplicates(self) -> list[dict[str, Any]]:
        return [
            {"service": service, "region": region, "operation": operation, "params": params[:200], "times": count}
            for (service, region, operation, params), count in sorted(self.identical.items())
            if count > 1
        ]


def _attribute_calls() -> None:
    """Mark each collector thread with the resource type it is listing or enriching (read by ``CallCounter``)."""
    from scanner.providers.collector import Collector

    original_list, original_enrich = Collector._list, Collector._enrich

    def list_(self: Any, spec: Any, region: str) -> Any:
        _ASKER.type = spec.type
        try:
            return original_list(self, spec, region)
        finally:
            _ASKER.type = None

    def enrich(self: Any, listed: Any) -> Any:
        _ASKER.type = listed.spec.type
        try:
            return original_enrich(self, listed)
        finally:
            _ASKER.type = None

    Collector._list = list_  # type: ignore[method-assign]
    Collector._enrich = enrich  # type: ignore[method-assign]


def _capture_inventories() -> list[Any]:
    """Record every ``Inventory`` a ``Collector`` returns: the resources the scan actually read."""
    from scanner.providers.collector import Collector

    captured: list[Any] = []
    original = Collector.collect

    def collect(self: Any) -> Any:
        inventory = original(self)
        captured.append(inventory)
        return inventory

    Collector.collect = collect  # type: ignore[method-assign]
    return captured


def _profiled(function: Callable[[], Any], top: int) -> tuple[Any, str]:
    """Run ``function`` under cProfile in every thread it starts; return (result, report)."""
    import cProfile
    import io
    import pstats

    profilers: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start_in_thread(*_: Any) -> None:
        profiler = cProfile.Profile()
        with lock:
            profilers.append(profiler)
        profiler.enable()  # replaces this hook for the rest of the thread

    main = cProfile.Profile()
    profilers.append(main)
    threading.setprofile(start_in_thread)
    main.enable()
    try:
        result = function()
    finally:
        main.disable()
        threading.setprofile(None)  # type: ignore[arg-type]
    stats = pstats.Stats(main)
    for profiler in profilers[1:]:
        profiler.create_stats()
        stats.add(profiler)
    report = io.StringIO()
    stats.stream = report
    stats.strip_dirs()
    print(f"-- cProfile, summed over {len(profilers)} threads, by cumulative time --", file=report)
    stats.sort_stats("cumulative").print_stats(top)
    print("-- by own time --", file=report)
    stats.sort_stats("tottime").print_stats(top)
    return result, report.getvalue()


def worker(args: argparse.Namespace) -> None:
    point_at(args.port)
    sys.path.insert(0, str(REPO))  # measure this checkout's scanner, whatever is installed
    session = make_session()

    import scanner
    from scanner.models import Status

    baseline_mb = own_peak_rss_mb()
    counter = CallCounter(session)
    inventories = _capture_inventories()
    _attribute_calls()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()

    def scan() -> Any:
        return _run_scan(session, args.regions, args.max_workers)

    if args.profile:
        result, report = _profiled(scan, args.profile)
    else:
        result, report = scan(), ""
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    errors = Counter(f"{error.resource_type}:{error.operation}:{error.code}" for error in result.errors)
    error_findings = [finding for finding in result.findings if finding.status is Status.ERROR]
    error_rules = Counter(f"{finding.resource.type} {finding.rule_id}" for finding in error_findings)
    error_examples = {f"{finding.resource.type} {finding.rule_id}": finding.message[:160] for finding in error_findings}
    resources = [resource for inventory in inventories for resource in inventory.resources]
    by_type = Counter(resource.type for resource in resources)
    # Detail and lookup steps that failed (the fields they provide are unavailable, so the rules reading them say
    # ERROR): resource type, then the reason with the resource's own names cut off.
    unavailable = Counter(
        f"{resource.type}: {reason.split(':')[0]}: {reason.split(':')[1].strip() if ':' in reason else ''}"
        for resource in resources
        for reason in set(resource.unavailable.values())
    )
    out = {
        "scanner": str(Path(scanner.__file__).resolve().parent),
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime, 3),
        "resources_scanned": result.scan.resources_scanned,
        "resources_by_type": dict(sorted(by_type.items())),
        "api_calls": sum(counter.calls.values()),
        "api_calls_reported": result.scan.api_calls,
        "http_requests": counter.requests,
        "retried_requests": counter.retried(),
        "error_answers": dict(sorted(counter.retry_reasons.items())),
        "api_calls_by_service": counter.by_service(),
        "api_calls_by_operation": {
            f"{service}:{operation}": count for (service, operation), count in sorted(counter.calls.items())
        },
        "api_calls_by_type": {
            f"{asker}|{service}:{operation}": count
            for (asker, service, operation), count in sorted(counter.by_type.items())
        },
        "duplicate_calls": counter.duplicates(),
        "rules_evaluated": result.scan.rules_evaluated,
        "findings": result.summary.total,
        "by_status": result.summary.by_status,
        "scan_errors": result.summary.errors,
        "scan_error_kinds": dict(sorted(errors.items())),
        "error_findings_by_type": dict(sorted(Counter(finding.resource.type for finding in error_findings).items())),
        "error_findings_by_rule": {
            rule: {"findings": count, "example": error_examples[rule]} for rule, count in sorted(error_rules.items())
        },
        "unavailable_by_type": dict(sorted(unavailable.items())),
        "peak_rss_mb": round(own_peak_rss_mb(), 1),
        "rss_before_scan_mb": round(baseline_mb, 1),
        "profile": report,
    }
    sys.stdout.write("BENCH-RESULT " + json.dumps(out) + "\n")


# -- orchestration -------------------------------------------------------------


def run_scan_process(args: argparse.Namespace, port: int) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "--port",
        str(port),
        "--regions",
        ",".join(args.regions),
        "--max-workers",
        str(args.max_workers),
        "--profile",
        str(args.profile),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line.removeprefix("BENCH-RESULT "))
    raise RuntimeError(f"scan process failed (exit {completed.returncode}):\n{completed.stderr[-4000:]}")


def _service_of(resource_type: str) -> str:
    return resource_type.split(".")[1] if resource_type.count(".") >= 2 else resource_type


def per_service(scan: dict[str, Any]) -> list[dict[str, Any]]:
    """Per service (``aws.<service>.<kind>``): resources scanned, the calls its types asked for, errors.

    A call counts toward the service of the resource type that made it (``CallCounter``), so
    ``s3control`` (the account's public access block) is S3's and the KMS alias lookup of the
    DynamoDB tables is DynamoDB's. Calls made outside the collection are the ``(provider)`` row.
    """
    resources: Counter[str] = Counter()
    types: dict[str, list[str]] = {}
    for resource_type, count in scan["resources_by_type"].items():
        resources[_service_of(resource_type)] += count
        types.setdefault(_service_of(resource_type), []).append(resource_type)
    calls: Counter[str] = Counter()
    sdk: dict[str, set[str]] = {}
    for key, count in scan["api_calls_by_type"].items():
        asker, operation = key.split("|")
        service = _service_of(asker)
        calls[service] += count
        sdk.setdefault(service, set()).add(operation.split(":")[0])
    errors: Counter[str] = Counter()
    for key in scan["scan_error_kinds"]:
        errors[_service_of(key.split(":")[0])] += scan["scan_error_kinds"][key]
    error_findings: Counter[str] = Counter()
    for resource_type, count in scan["error_findings_by_type"].items():
        error_findings[_service_of(resource_type)] += count
    rows = []
    for service in sorted(set(resources) | set(calls), key=lambda name: (name.startswith("("), name)):
        scanned = resources.get(service, 0)
        rows.append(
            {
                "service": service,
                "sdk_services": sorted(sdk.get(service, [])),
                "resources_scanned": scanned,
                "api_calls": calls.get(service, 0),
                "calls_per_resource": round(calls.get(service, 0) / scanned, 2) if scanned else None,
                "scan_errors": errors.get(service, 0),
                "error_findings": error_findings.get(service, 0),
                "resource_types": types.get(service, []),
            }
        )
    return rows


def per_type(planting: dict[str, Any], scan: dict[str, Any]) -> list[dict[str, Any]]:
    """Planted (by this bench) next to scanned (by the scan), per resource type; noise is listed apart."""
    planted: Counter[str] = Counter()
    for kind, count in planting["planted"].items():
        resource_type = KINDS[kind][2]
        if resource_type:
            planted[resource_type] += count
    helpers = planting.get("helpers", {})
    rows = [
        {
            "resource_type": name,
            "planted": planted.get(name, 0),
            "helpers": helpers.get(name, 0),
            "scanned": scan["resources_by_type"].get(name, 0),
        }
        for name in sorted(set(planted) | set(helpers) | set(scan["resources_by_type"]))
    ]
    return rows


def targets_for(resources: int, wall: float, rss: float) -> list[tuple[str, str, str]]:
    rows = []
    for limit, seconds in WALL_TARGETS:
        if resources <= limit:
            label = f"{limit:,}-resource account < {seconds:g} s wall"
            rows.append((label, f"{wall:.2f} s", "PASS" if wall < seconds else "MISS"))
            break
    else:
        rows.append((f"wall (no target above {WALL_TARGETS[-1][0]:,} resources)", f"{wall:.2f} s", "n/a"))
    rows.append(
        (
            f"peak memory < {MEMORY_TARGET_MB:g} MB (scanner RSS)",
            f"{rss:.1f} MB",
            "PASS" if rss < MEMORY_TARGET_MB else "MISS",
        )
    )
    return rows


def _table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            f"{cell:>{width}}" if i in right else f"{cell:<{width}}"
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print("  " + line(headers))
    for row in rows:
        print("  " + line([str(cell) for cell in row]))


def print_report(report: dict[str, Any]) -> None:
    scan = report["scan"]
    scanned = scan["resources_scanned"]
    noise = report["noise"]["planted"]
    rows = [
        ("scanner code", f"{report['code']['path']} ({report['code']['revision']})"),
        (
            "resources planted",
            f"{report['resources']} of scanned kinds over {len(report['regions'])} regions "
            f"({', '.join(report['regions'])})",
        ),
        ("account setup", "; ".join(report["planting"]["account_setup"])),
        ("planted, not scanned (noise)", ", ".join(f"{k}={v}" for k, v in noise.items()) or "none"),
        ("planting time (not measured)", f"{report['planting_s']:.1f} s"),
        ("resources scanned", f"{scanned} (collector inventory: {report['inventory_check']})"),
        ("scan wall time", f"{scan['wall_s']:.2f} s (CPU {scan['cpu_s']:.2f} s)"),
        (
            "API calls",
            f"{scan['api_calls']} = {report['calls_per_scanned']:.2f} per scanned resource "
            f"(scanner's own count {scan['api_calls_reported']}; {scan['http_requests']} HTTP requests)",
        ),
        ("rules evaluated", str(scan["rules_evaluated"])),
        ("findings", f"{scan['findings']} " + str({k: v for k, v in scan["by_status"].items() if v})),
        ("scan errors", f"{scan['scan_errors']} {scan['scan_error_kinds'] or ''}".strip()),
        (
            "peak RSS, scanner process",
            f"{scan['peak_rss_mb']:.1f} MB (after imports: {scan['rss_before_scan_mb']:.1f} MB)",
        ),
        ("peak RSS, moto server (separate)", f"{report['moto_peak_rss_mb'] or 0:.1f} MB"),
        ("machine load (1/5/15 min)", " / ".join(str(v) for v in report["machine"].get("loadavg_1_5_15", [])) or "?"),
    ]
    for rule, entry in scan["error_findings_by_rule"].items():
        rows.append(("ERROR findings", f"{entry['findings']} x {rule}: {entry['example']}"))
    for step, count in scan["unavailable_by_type"].items():
        rows.append(("detail step failed", f"{count} x {step}"))
    for operation, count in scan["retried_requests"].items():
        rows.append(("retried HTTP requests", f"{count} x {operation}"))
    for attempt, count in scan["error_answers"].items():
        rows.append(("error answers (HTTP, code)", f"{count} x {attempt}"))
    for duplicate in scan["duplicate_calls"]:
        rows.append(
            (
                "DUPLICATE call",
                f"{duplicate['times']} x {duplicate['service']}:{duplicate['operation']} in {duplicate['region']} "
                f"{duplicate['params']}",
            )
        )
    if not scan["duplicate_calls"]:
        rows.append(("duplicate calls", "none (no operation made twice with the same parameters and region)"))
    dropped = {**report["planting"]["dropped"], **report["noise"]["dropped"]}
    if dropped:
        rows.append(("kinds moto could not plant", "; ".join(f"{k}: {v}" for k, v in dropped.items())))
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    print()
    _table(
        ["service", "scanned", "API calls", "calls / resource", "scan errors", "ERROR findings", "SDK services"],
        [
            [
                row["service"],
                row["resources_scanned"],
                row["api_calls"],
                "-" if row["calls_per_resource"] is None else f"{row['calls_per_resource']:.2f}",
                row["scan_errors"],
                row["error_findings"],
                ", ".join(row["sdk_services"]),
            ]
            for row in report["per_service"]
        ]
        + [
            [
                "total",
                scanned,
                scan["api_calls"],
                f"{report['calls_per_scanned']:.2f}",
                scan["scan_errors"],
                sum(scan["error_findings_by_type"].values()),
                "",
            ]
        ],
        right={1, 2, 3, 4, 5},
    )
    print()
    _table(
        ["resource type", "planted", "helpers", "scanned"],
        [[row["resource_type"], row["planted"], row["helpers"] or "", row["scanned"]] for row in report["per_type"]],
        right={1, 2, 3},
    )
    print()
    _table(["target", "measured", "result"], [list(row) for row in report["targets"]], right={1})
    if scan.get("profile"):
        print()
        print(scan["profile"])


def code_revision() -> str:
    """The git commit of this checkout, ``+dirty`` if it has uncommitted changes; ``unknown`` outside git."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit}+dirty" if dirty else commit


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
        info["cpu"] = models[0]
        meminfo = Path("/proc/meminfo").read_text().splitlines()[0]
        info["memory_gib"] = round(int(meminfo.split()[1]) / 1024 / 1024, 1)
        # Other work on the machine slows moto and the scan alike; the load at the end of the run says how busy it was.
        info["loadavg_1_5_15"] = [float(value) for value in Path("/proc/loadavg").read_text().split()[:3]]
    except (OSError, ValueError, IndexError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    for package in ("boto3", "botocore", "moto"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = None
    return info


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=20, help="resources of scanned kinds to plant (default 20)")
    parser.add_argument(
        "--regions",
        default="2",
        help=f"a count (first N of {','.join(DEFAULT_REGIONS)}) or a comma list of region names (default 2)",
    )
    parser.add_argument(
        "--kinds", default=",".join(SCANNED_KINDS), help="comma list of scanned resource kinds to plant (default all)"
    )
    parser.add_argument(
        "--noise",
        type=int,
        default=0,
        metavar="M",
        help=f"also plant M resources no rule reads ({', '.join(NOISE_KINDS)}); reported apart, never as scanned",
    )
    parser.add_argument("--max-workers", type=int, default=8, help="scanner thread pool size (default 8)")
    parser.add_argument("--profile", type=int, default=0, metavar="TOP", help="cProfile the scan, print TOP rows")
    parser.add_argument("--json", type=Path, help="write the report as JSON to this file")
    parser.add_argument("--timeout", type=float, default=900, help="give up on the scan after this many seconds")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.regions.isdigit():
        count = int(args.regions)
        if not 1 <= count <= len(DEFAULT_REGIONS):
            parser.error(f"--regions count must be 1..{len(DEFAULT_REGIONS)}")
        args.regions = DEFAULT_REGIONS[:count]
    else:
        args.regions = [region.strip() for region in args.regions.split(",") if region.strip()]
    args.kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()]
    unknown = [kind for kind in args.kinds if kind not in SCANNED_KINDS]
    if unknown:
        parser.error(f"unknown or unscanned kinds {unknown}; scanned: {', '.join(SCANNED_KINDS)} (noise: see --noise)")
    if args.resources < 1:
        parser.error("--resources must be at least 1")
    if args.noise < 0:
        parser.error("--noise must be 0 or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return 0

    port = free_port()
    print(f"starting moto server on 127.0.0.1:{port} ...", flush=True)
    server = start_moto(port)
    try:
        point_at(port)
        session = make_session()
        started = time.perf_counter()
        print(f"planting {args.resources} resources over {', '.join(args.regions)} ...", flush=True)
        account_setup = set_up_account(session)
        planting = plant(session, args.resources, args.regions, args.kinds)
        planting["account_setup"] = account_setup
        noise: dict[str, Any] = {"planted": {}, "dropped": {}}
        if args.noise:
            print(f"planting {args.noise} resources no rule reads ...", flush=True)
            noise = plant(session, args.noise, args.regions, NOISE_KINDS, start=args.resources)
        planting_s = time.perf_counter() - started
        print("scanning (separate process) ...", flush=True)
        scan = run_scan_process(args, port)
        moto_rss = proc_status_mb(server.pid)
    finally:
        stop_moto(server)

    counted = sum(scan["resources_by_type"].values())
    report = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "code": {"path": scan.pop("scanner"), "revision": code_revision()},
        "resources": args.resources,
        "regions": args.regions,
        "max_workers": args.max_workers,
        "planting": planting,
        "noise": noise,
        "planting_s": round(planting_s, 2),
        "moto_peak_rss_mb": moto_rss,
        "scan": scan,
        "inventory_check": "matches resources_scanned"
        if counted == scan["resources_scanned"]
        else f"MISMATCH: {counted} in the inventory, {scan['resources_scanned']} reported",
        "calls_per_scanned": round(scan["api_calls"] / max(scan["resources_scanned"], 1), 3),
        "per_service": per_service(scan),
        "per_type": per_type(planting, scan),
        "targets": targets_for(args.resources, scan["wall_s"], scan["peak_rss_mb"]),
    }
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    ok = counted == scan["resources_scanned"] and all(verdict != "MISS" for _, _, verdict in report["targets"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
