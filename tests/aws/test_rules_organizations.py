"""The region-restricting SCP rule on a moto organization, and the answers moto gets wrong on a local fake.

moto answers ``ListPolicies`` with an empty list when the account is in no organization; AWS answers
``AWSOrganizationsNotInUseException``, which the rule reports as a FAIL with that reason. That case,
and a member account's refusal, run the real boto3 client against ``FakeAws``.
"""

from __future__ import annotations

import json

import pytest

from scanner.models import ScanParams, Status
from tests.support.aws import scan
from tests.support.fake_aws import FakeAws, access_denied, aws_error, ok
from tests.support.results import finding

RULE = "aws.organizations.scp_restricts_regions"
ALLOWED = ScanParams(allowed_regions=("eu-west-1", "eu-central-1"))
GLOBAL_SERVICES = ["iam:*", "organizations:*", "sts:*", "route53:*", "cloudfront:*", "support:*", "budgets:*"]


def _scp(*regions: str) -> str:
    statement = {
        "Sid": "DenyOutsideAllowedRegions",
        "Effect": "Deny",
        "NotAction": GLOBAL_SERVICES,
        "Resource": "*",
        "Condition": {
            "StringNotEquals": {"aws:RequestedRegion": list(regions)},
            "ArnNotLike": {"aws:PrincipalARN": ["arn:aws:iam::*:role/BreakGlass"]},
        },
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def organization(aws):
    client = aws.client("organizations")
    client.create_organization(FeatureSet="ALL")
    root = client.list_roots()["Roots"][0]["Id"]
    return client, root


def _attach(client, target: str, name: str, content: str) -> str:
    policy = client.create_policy(
        Content=content, Description="Data residency", Name=name, Type="SERVICE_CONTROL_POLICY"
    )["Policy"]["PolicySummary"]["Id"]
    client.attach_policy(PolicyId=policy, TargetId=target)
    return policy


def test_root_scp_within_allowed_regions_passes(aws, organization):
    client, root = organization
    _attach(client, root, "allowed-regions", _scp("eu-west-1"))
    result = scan(aws, RULE, params=ALLOWED)
    found = finding(result, RULE, result.scan.account)
    assert found.status is Status.PASS
    assert found.evidence["scp_allowed_regions"] == ["eu-west-1"]
    assert found.evidence["region_scps"][0]["targets"] == [f"ROOT {root}"]


def test_root_scp_allowing_another_region_fails(aws, organization):
    client, root = organization
    _attach(client, root, "eu-and-virginia", _scp("eu-west-1", "us-east-1"))
    found = finding(scan(aws, RULE, params=ALLOWED), RULE, "123456789012")
    assert found.status is Status.FAIL
    assert found.evidence["scp_allowed_regions"] == ["eu-west-1", "us-east-1"]


def test_two_root_scps_restrict_together(aws, organization):
    client, root = organization
    _attach(client, root, "eu-and-virginia", _scp("eu-west-1", "us-east-1"))
    _attach(client, root, "eu-only", _scp("eu-west-1", "eu-central-1"))
    found = finding(scan(aws, RULE, params=ALLOWED), RULE, "123456789012")
    assert found.status is Status.PASS
    assert found.evidence["scp_allowed_regions"] == ["eu-west-1"]


def test_scp_on_one_ou_only_fails(aws, organization):
    client, root = organization
    ou = client.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    _attach(client, ou, "allowed-regions", _scp("eu-west-1"))
    found = finding(scan(aws, RULE, params=ALLOWED), RULE, "123456789012")
    assert found.status is Status.FAIL
    assert found.evidence["region_scps"][0]["targets"] == [f"ORGANIZATIONAL_UNIT {ou}"]
    assert "no customer-managed SCP attached to the organization root" in found.message


def test_no_allowed_regions_no_finding(aws, organization):
    assert [f for f in scan(aws, RULE).findings if f.rule_id == RULE] == []


def test_not_in_an_organization_fails_with_the_reason(aws, monkeypatch):
    with FakeAws.serving() as fake:
        fake.serve(monkeypatch, "organizations")
        fake.reply(
            "organizations",
            "ListPolicies",
            aws_error(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization."),
        )
        found = finding(scan(aws, RULE, params=ALLOWED), RULE, "123456789012")
    assert found.status is Status.FAIL
    assert "not in an organization (AWSOrganizationsNotInUseException)" in found.message
    assert found.evidence["in_organization"] is False


def test_member_account_refused_is_error_naming_the_permission(aws, monkeypatch):
    with FakeAws.serving() as fake:
        fake.serve(monkeypatch, "organizations")
        fake.reply("organizations", "ListPolicies", access_denied("organizations", "ListPolicies"))
        found = finding(scan(aws, RULE, params=ALLOWED), RULE, "123456789012")
    assert found.status is Status.ERROR
    assert "list_policies failed: AccessDeniedException" in found.message
    assert "organizations:ListPolicies" in found.message


def test_calls_per_policy(aws, monkeypatch):
    summary = {
        "Id": "p-a1b2c3d4",
        "Arn": "arn:aws:organizations::123456789012:policy/o-a1b2c3d4e5/service_control_policy/p-a1b2c3d4",
        "Name": "allowed-regions",
        "Description": "Data residency",
        "Type": "SERVICE_CONTROL_POLICY",
        "AwsManaged": False,
    }
    full_access = {
        **summary,
        "Id": "p-FullAWSAccess",
        "Name": "FullAWSAccess",
        "AwsManaged": True,
        "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
    }
    with FakeAws.serving() as fake:
        fake.serve(monkeypatch, "organizations")
        fake.reply("organizations", "ListPolicies", ok({"Policies": [full_access, summary]}))
        fake.reply(
            "organizations", "DescribePolicy", ok({"Policy": {"PolicySummary": summary, "Content": _scp("eu-west-1")}})
        )
        root = {
            "TargetId": "r-a1b2",
            "Arn": "arn:aws:organizations::123456789012:root/o-a1b2c3d4e5/r-a1b2",
            "Name": "Root",
        }
        fake.reply("organizations", "ListTargetsForPolicy", ok({"Targets": [{**root, "Type": "ROOT"}]}))
        found = finding(scan(aws, RULE, params=ALLOWED), RULE, "123456789012")
    assert found.status is Status.PASS
    # The AWS-managed FullAWSAccess is neither described nor its targets listed.
    assert [name.split(".")[-1] for name in fake.operations] == [
        "ListPolicies",
        "DescribePolicy",
        "ListTargetsForPolicy",
    ]
