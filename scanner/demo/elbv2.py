"""Demo load balancers: a legacy ALB (TLS 1.0 policy, HTTP forwarded in clear text, no access logs).

Beside it, a well-configured ALB in the first region: a TLS 1.2+ policy, HTTP
redirected to HTTPS and access logs delivered to S3.
"""

from __future__ import annotations

import boto3


def _alb(session: boto3.Session, region: str, name: str, ssl_policy: str, http_action: dict | None) -> str:
    ec2 = session.client("ec2", region_name=region)
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = sorted(
        ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"],
        key=lambda subnet: subnet["AvailabilityZone"],
    )
    elbv2 = session.client("elbv2", region_name=region)
    arn = elbv2.create_load_balancer(
        Name=name,
        Subnets=[subnet["SubnetId"] for subnet in subnets[:2]],
        Scheme="internet-facing",
        Type="application",
        Tags=[{"Key": "Name", "Value": name}],
    )["LoadBalancers"][0]["LoadBalancerArn"]
    group = elbv2.create_target_group(Name=f"{name}-web", Protocol="HTTP", Port=80, VpcId=vpc_id)["TargetGroups"][0]
    forward = {"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}
    certificate = session.client("acm", region_name=region).request_certificate(DomainName=f"{name}.example.com")
    elbv2.create_listener(
        LoadBalancerArn=arn,
        Protocol="HTTPS",
        Port=443,
        SslPolicy=ssl_policy,
        Certificates=[{"CertificateArn": certificate["CertificateArn"]}],
        DefaultActions=[forward],
    )
    elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=[http_action or forward])
    return arn


def plant(session: boto3.Session, regions: list[str]) -> None:
    secure_region, legacy_region = regions[0], regions[-1]
    _alb(session, legacy_region, "demo-legacy-shop", "ELBSecurityPolicy-TLS-1-0-2015-04", None)
    redirect = {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
    secure = _alb(session, secure_region, "demo-storefront", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", redirect)
    session.client("elbv2", region_name=secure_region).modify_load_balancer_attributes(
        LoadBalancerArn=secure,
        Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": "demo-alb-access-logs"},
            {"Key": "access_logs.s3.prefix", "Value": "storefront"},
        ],
    )
