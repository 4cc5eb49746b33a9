"""The ECR rules failing and passing on moto repositories (basic and enhanced scanning), and a denied lookup."""

from __future__ import annotations

import json

from scanner.models import Status
from tests.support.aws import scan
from tests.support.fake_aws import FakeAws, access_denied, aws_error, ok
from tests.support.results import finding

PUBLIC = "aws.ecr.repository_not_public"
SCANNING = "aws.ecr.repository_image_scanning"
PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]


def _policy(statement: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": PULL, **statement}]})


def test_repository_policy_public(aws):
    ecr = aws.client("ecr")
    for name in ("public-images", "org-images", "private-images"):
        ecr.create_repository(repositoryName=name)
    ecr.set_repository_policy(
        repositoryName="public-images", policyText=_policy({"Sid": "PublicPull", "Principal": "*"})
    )
    ecr.set_repository_policy(
        repositoryName="org-images",
        policyText=_policy(
            {"Sid": "OrgPull", "Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
        ),
    )
    result = scan(aws, PUBLIC)
    public = finding(result, PUBLIC, "public-images")
    assert public.status is Status.FAIL
    assert public.evidence == {"public_policy_statements": ["PublicPull"]}
    assert finding(result, PUBLIC, "org-images").status is Status.PASS
    assert finding(result, PUBLIC, "private-images").status is Status.PASS


def test_basic_scan_on_push(aws):
    ecr = aws.client("ecr")
    ecr.create_repository(repositoryName="scanned", imageScanningConfiguration={"scanOnPush": True})
    ecr.create_repository(repositoryName="unscanned")
    result = scan(aws, SCANNING)
    assert finding(result, SCANNING, "scanned").status is Status.PASS
    unscanned = finding(result, SCANNING, "unscanned")
    assert unscanned.status is Status.FAIL
    assert unscanned.message == (
        "Images are not scanned (none: basic scanning without scan on push; registry scan type BASIC)."
    )


def test_enhanced_scanning_follows_the_registry_rules(aws):
    ecr = aws.client("ecr")
    ecr.create_repository(repositoryName="prod-api")
    ecr.create_repository(repositoryName="sandbox", imageScanningConfiguration={"scanOnPush": True})
    ecr.put_registry_scanning_configuration(
        scanType="ENHANCED",
        rules=[
            {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}]}
        ],
    )
    result = scan(aws, SCANNING)
    prod = finding(result, SCANNING, "prod-api")
    assert prod.status is Status.PASS
    assert prod.evidence["image_scanning"] == "enhanced, CONTINUOUS_SCAN"
    # With enhanced scanning the repository's own scan-on-push setting no longer applies.
    assert finding(result, SCANNING, "sandbox").status is Status.FAIL


def test_denied_registry_scanning_lookup_is_error(aws, monkeypatch):
    repository = {
        "repositoryArn": "arn:aws:ecr:us-east-1:123456789012:repository/payments",
        "registryId": "123456789012",
        "repositoryName": "payments",
        "repositoryUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/payments",
        "createdAt": 1790000000.0,
        "imageTagMutability": "IMMUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
        "encryptionConfiguration": {"encryptionType": "AES256"},
    }
    with FakeAws.serving() as fake:
        fake.serve(monkeypatch, "ecr")
        fake.reply("ecr", "DescribeRepositories", ok({"repositories": [repository]}))
        fake.reply(
            "ecr",
            "GetRepositoryPolicy",
            aws_error(
                400,
                "RepositoryPolicyNotFoundException",
                "Repository policy does not exist for the repository with name 'payments' "
                "in the registry with id '123456789012'",
            ),
        )
        fake.reply("ecr", "GetRegistryScanningConfiguration", access_denied("ecr", "GetRegistryScanningConfiguration"))
        result = scan(aws, PUBLIC, SCANNING)
    assert finding(result, PUBLIC, "payments").status is Status.PASS
    error = finding(result, SCANNING, "payments")
    assert error.status is Status.ERROR
    assert "get_registry_scanning_configuration failed: AccessDeniedException" in error.message
    operations = [name.split(".")[-1] for name in fake.operations]
    assert sorted(operations) == ["DescribeRepositories", "GetRegistryScanningConfiguration", "GetRepositoryPolicy"]
