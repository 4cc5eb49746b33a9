"""Each Elastic Load Balancing v2 rule failing and passing on a moto account.

moto answers DescribeLoadBalancerAttributes without ``access_logs.s3.enabled`` until it is set
(AWS always returns it, "false" by default); the normalizer reads a missing key as off, as
it must for AWS too.
"""

from __future__ import annotations

import pytest

from scanner.models import Status
from tests.support.aws import REGION, scan
from tests.support.results import finding, status_of

TLS12 = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
LEGACY = "ELBSecurityPolicy-2016-08"
REDIRECT = {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}


@pytest.fixture
def network(aws):
    """The default VPC, two of its subnets, a target group and an ACM certificate."""
    ec2 = aws.client("ec2")
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = sorted(subnet["SubnetId"] for subnet in ec2.describe_subnets()["Subnets"] if subnet["VpcId"] == vpc_id)
    elbv2 = aws.client("elbv2")
    group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc_id)["TargetGroups"][0]
    certificate = aws.client("acm").request_certificate(DomainName="shop.example.com")["CertificateArn"]
    return {"subnets": subnets[:2], "target_group": group["TargetGroupArn"], "certificate": certificate}


def _load_balancer(aws, network, name, *listeners, lb_type="application") -> str:
    elbv2 = aws.client("elbv2")
    arn = elbv2.create_load_balancer(Name=name, Subnets=network["subnets"], Type=lb_type)["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    forward = {"Type": "forward", "TargetGroupArn": network["target_group"]}
    for protocol, port, extra in listeners:
        options = dict(extra)
        if protocol in ("HTTPS", "TLS"):
            options.setdefault("Certificates", [{"CertificateArn": network["certificate"]}])
        options.setdefault("DefaultActions", [forward])
        elbv2.create_listener(LoadBalancerArn=arn, Protocol=protocol, Port=port, **options)
    return arn


def test_listener_tls12_policy(aws, network):
    modern = _load_balancer(aws, network, "modern", ("HTTPS", 443, {"SslPolicy": TLS12}))
    legacy = _load_balancer(
        aws, network, "legacy", ("HTTPS", 443, {"SslPolicy": LEGACY}), ("HTTPS", 8443, {"SslPolicy": TLS12})
    )
    plain = _load_balancer(aws, network, "plain", ("HTTP", 80, {}))
    rule = "aws.elbv2.listener_tls12_policy"
    result = scan(aws, rule)
    good = finding(result, rule, "modern")
    assert good.status is Status.PASS
    assert good.evidence == {"tls_listener_policies": [f"HTTPS:443 {TLS12}"], "weak_tls_listeners": []}
    assert good.resource.arn == modern
    bad = finding(result, rule, "legacy")
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "tls_listener_policies": [f"HTTPS:443 {LEGACY}", f"HTTPS:8443 {TLS12}"],
        "weak_tls_listeners": [f"HTTPS:443 {LEGACY}"],
    }
    assert bad.resource.arn == legacy
    assert bad.resource.region == REGION
    # No HTTPS or TLS listener: nothing to evaluate.
    assert not [f for f in result.findings if f.rule_id == rule and f.resource.arn == plain]


def test_network_load_balancer_tls_listener(aws, network):
    _load_balancer(
        aws, network, "nlb-tls", ("TLS", 443, {"SslPolicy": "ELBSecurityPolicy-TLS-1-1-2017-01"}), lb_type="network"
    )
    rule = "aws.elbv2.listener_tls12_policy"
    result = scan(aws, rule)
    bad = finding(result, rule, "nlb-tls")
    assert bad.status is Status.FAIL
    assert bad.evidence["weak_tls_listeners"] == ["TLS:443 ELBSecurityPolicy-TLS-1-1-2017-01"]


def test_http_redirects_to_https(aws, network):
    _load_balancer(aws, network, "redirecting", ("HTTP", 80, {"DefaultActions": [REDIRECT]}), ("HTTPS", 443, {}))
    _load_balancer(aws, network, "forwarding", ("HTTP", 80, {}), ("HTTPS", 443, {}))
    keep_protocol = {
        "Type": "redirect",
        "RedirectConfig": {"Protocol": "#{protocol}", "Port": "8081", "StatusCode": "HTTP_302"},
    }
    _load_balancer(aws, network, "same-protocol", ("HTTP", 8080, {"DefaultActions": [keep_protocol]}))
    _load_balancer(aws, network, "https-only", ("HTTPS", 443, {}))
    rule = "aws.elbv2.http_redirects_to_https"
    result = scan(aws, rule)
    good = finding(result, rule, "redirecting")
    assert good.status is Status.PASS
    assert good.evidence == {
        "lb_type": "application",
        "http_listeners": ["HTTP:80"],
        "http_listeners_not_redirecting": [],
    }
    bad = finding(result, rule, "forwarding")
    assert bad.status is Status.FAIL
    assert bad.evidence["http_listeners_not_redirecting"] == ["HTTP:80 forward"]
    same = finding(result, rule, "same-protocol")
    assert same.status is Status.FAIL
    assert same.evidence["http_listeners_not_redirecting"] == ["HTTP:8080 redirect to #{protocol}"]
    assert not [f for f in result.findings if f.rule_id == rule and f.resource.id == "https-only"]


def test_access_logs_enabled(aws, network):
    logged = _load_balancer(aws, network, "logged", ("HTTPS", 443, {"SslPolicy": TLS12}))
    _load_balancer(aws, network, "unlogged", ("HTTP", 80, {}))
    aws.client("elbv2").modify_load_balancer_attributes(
        LoadBalancerArn=logged,
        Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": "example-alb-logs"},
        ],
    )
    rule = "aws.elbv2.access_logs_enabled"
    result = scan(aws, rule)
    good = finding(result, rule, "logged")
    assert good.status is Status.PASS
    assert good.evidence == {
        "lb_type": "application",
        "tls_listener_policies": [f"HTTPS:443 {TLS12}"],
        "access_logs_enabled": True,
        "access_logs_bucket": "example-alb-logs",
    }
    bad = finding(result, rule, "unlogged")
    assert bad.status is Status.FAIL
    assert bad.evidence["access_logs_enabled"] is False
    assert bad.evidence["access_logs_bucket"] is None
    assert status_of(result, rule, "unlogged") is Status.FAIL
