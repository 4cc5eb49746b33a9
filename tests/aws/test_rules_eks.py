"""The EKS rules failing and passing on moto clusters, and a denied DescribeCluster on a local fake EKS API."""

from __future__ import annotations

import pytest

from scanner.models import Status
from tests.support.aws import scan
from tests.support.fake_aws import FakeAws, access_denied, ok
from tests.support.results import finding

ENDPOINT = "aws.eks.cluster_endpoint_restricted"
SECRETS = "aws.eks.cluster_secrets_encrypted"
AUDIT = "aws.eks.cluster_audit_logging"
ROLE = "arn:aws:iam::123456789012:role/eks-cluster"
SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]


@pytest.fixture
def clusters(aws):
    eks = aws.client("eks")
    key = aws.client("kms").create_key(Description="EKS secrets")["KeyMetadata"]["Arn"]
    # moto echoes resourcesVpcConfig as given, so AWS's defaults (public endpoint open to 0.0.0.0/0)
    # are what the normalizer assumes when the keys are absent, as on the "defaults" cluster.
    eks.create_cluster(name="defaults", roleArn=ROLE, resourcesVpcConfig={"subnetIds": SUBNETS})
    eks.create_cluster(
        name="hardened",
        roleArn=ROLE,
        resourcesVpcConfig={"subnetIds": SUBNETS, "endpointPublicAccess": False, "endpointPrivateAccess": True},
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": key}}],
        logging={"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]},
    )
    eks.create_cluster(
        name="office-only",
        roleArn=ROLE,
        resourcesVpcConfig={
            "subnetIds": SUBNETS,
            "endpointPublicAccess": True,
            "endpointPrivateAccess": True,
            "publicAccessCidrs": ["203.0.113.0/24"],
        },
        logging={
            "clusterLogging": [
                {"types": ["api"], "enabled": True},
                {"types": ["audit", "authenticator", "controllerManager", "scheduler"], "enabled": False},
            ]
        },
    )
    return key


def test_endpoint_restricted(clusters, aws):
    result = scan(aws, ENDPOINT)
    open_cluster = finding(result, ENDPOINT, "defaults")
    assert open_cluster.status is Status.FAIL
    assert open_cluster.evidence["endpoint_open_cidrs"] == ["0.0.0.0/0"]
    assert open_cluster.resource.arn == "arn:aws:eks:us-east-1:123456789012:cluster/defaults"
    assert finding(result, ENDPOINT, "hardened").status is Status.PASS
    office = finding(result, ENDPOINT, "office-only")
    assert office.status is Status.PASS
    assert office.evidence["public_access_cidrs"] == ["203.0.113.0/24"]


def test_secrets_encrypted(clusters, aws):
    result = scan(aws, SECRETS)
    assert finding(result, SECRETS, "defaults").status is Status.FAIL
    hardened = finding(result, SECRETS, "hardened")
    assert hardened.status is Status.PASS
    assert hardened.evidence["secrets_kms_key"] == clusters


def test_audit_logging(clusters, aws):
    result = scan(aws, AUDIT)
    assert finding(result, AUDIT, "defaults").status is Status.FAIL  # moto's default: every type disabled
    assert finding(result, AUDIT, "hardened").status is Status.PASS
    api_only = finding(result, AUDIT, "office-only")
    assert api_only.status is Status.FAIL
    assert api_only.evidence["enabled_log_types"] == ["api"]


def test_denied_describe_cluster_is_error_for_every_rule(aws, monkeypatch):
    with FakeAws.serving() as fake:
        fake.serve(monkeypatch, "eks")
        fake.reply("eks", "ListClusters", ok({"clusters": ["payments"]}))
        fake.reply("eks", "DescribeCluster", access_denied("eks", "DescribeCluster"), path="/clusters/payments")
        result = scan(aws, ENDPOINT, SECRETS, AUDIT)
    for rule in (ENDPOINT, SECRETS, AUDIT):
        error = finding(result, rule, "payments")
        assert error.status is Status.ERROR
        assert "describe_cluster failed: AccessDeniedException" in error.message
    assert fake.operations == ["ListClusters", "DescribeCluster"]  # one call per cluster serves all three rules
