"""Each EFS rule failing and passing on a moto account."""

from __future__ import annotations

import json

from scanner.models import ScanParams, Status
from tests.support.aws import scan
from tests.support.results import finding, status_of

ENCRYPTED = "aws.efs.file_system_encrypted"
NOT_PUBLIC = "aws.efs.policy_not_public"
IN_REGION = "aws.efs.file_system_in_allowed_region"


def _file_system(session, token: str, region: str = "us-east-1", **settings) -> str:
    return session.client("efs", region_name=region).create_file_system(CreationToken=token, **settings)["FileSystemId"]


def _policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_file_system_encryption(aws):
    plain = _file_system(aws, "plain")
    encrypted = _file_system(aws, "encrypted", Encrypted=True, Tags=[{"Key": "Name", "Value": "home-dirs"}])
    result = scan(aws, ENCRYPTED)
    bad = finding(result, ENCRYPTED, plain)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"encrypted": False, "kms_key_id": None}
    good = finding(result, ENCRYPTED, "home-dirs")  # named by its Name tag
    assert good.status is Status.PASS
    assert good.resource.id == encrypted
    assert good.resource.tags == {"Name": "home-dirs"}
    assert good.resource.arn.endswith(f":file-system/{encrypted}")


def test_file_system_policy(aws):
    efs = aws.client("efs")
    public = _file_system(aws, "public")
    efs.put_file_system_policy(
        FileSystemId=public,
        Policy=_policy(
            {
                "Sid": "AnyoneMayMount",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            }
        ),
    )
    mount_targets = _file_system(aws, "mount-targets")
    efs.put_file_system_policy(
        FileSystemId=mount_targets,
        Policy=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["elasticfilesystem:ClientMount"],
                "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
            }
        ),
    )
    org = _file_system(aws, "org")
    efs.put_file_system_policy(
        FileSystemId=org,
        Policy=_policy(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "elasticfilesystem:ClientMount",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
            }
        ),
    )
    no_policy = _file_system(aws, "no-policy")
    result = scan(aws, NOT_PUBLIC)
    bad = finding(result, NOT_PUBLIC, public)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"public_policy_statements": ["AnyoneMayMount"], "has_policy": True}
    assert status_of(result, NOT_PUBLIC, mount_targets) is Status.PASS
    assert status_of(result, NOT_PUBLIC, org) is Status.PASS
    none = finding(result, NOT_PUBLIC, no_policy)  # PolicyNotFound: no policy, not an error
    assert none.status is Status.PASS
    assert none.evidence == {"public_policy_statements": [], "has_policy": False}


def test_file_system_region(aws):
    inside = _file_system(aws, "eu", region="eu-west-1")
    outside = _file_system(aws, "us", region="us-east-1")
    params = ScanParams(allowed_regions=("eu-west-1",))
    result = scan(aws, IN_REGION, regions=["us-east-1", "eu-west-1"], params=params)
    assert status_of(result, IN_REGION, inside) is Status.PASS
    bad = finding(result, IN_REGION, outside)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"resource.region": "us-east-1", "params.allowed_regions": ["eu-west-1"]}
    assert scan(aws, IN_REGION, regions=["us-east-1", "eu-west-1"]).findings == ()
