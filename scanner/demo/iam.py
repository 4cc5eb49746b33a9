"""Demo IAM: a weak password policy, risky users and an admin-granting policy beside a tidy user.

Some account state cannot be made through the API (old keys, past key use, AWS
managed policies, which moto only loads on request); it is set directly on moto's
in-process IAM backend, the same way the tests do it.
"""

from __future__ import annotations

import json
from datetime import timedelta

import boto3

DEMO_PASSWORD = "DemoOnly-NotASecret-1"
ADMINISTRATOR_ACCESS = "AdministratorAccess"


def _document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def iam_backend(account_id: str, partition: str = "aws"):
    """moto's in-process IAM backend for the account (only valid inside ``mock_aws``)."""
    from moto.iam.models import iam_backends

    return iam_backends[account_id][partition]


def ensure_aws_managed_policy(account_id: str, name: str) -> str:
    """Make one AWS managed policy attachable in moto (which loads none by default); returns its ARN."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy

    backend = iam_backend(account_id)
    data = json.loads(aws_managed_policies_data)[name]
    managed = AWSManagedPolicy.from_data(name, account_id, backend.region_name, data)
    if managed.arn not in backend.managed_policies:
        backend.aws_managed_policies.append(managed)
        backend.managed_policies[managed.arn] = managed
    return managed.arn


def backdate_access_key(account_id: str, user_name: str, access_key_id: str, days: int) -> None:
    """Pretend the key was created ``days`` ago (moto always stamps keys with the current time)."""
    for key in iam_backend(account_id).get_user(user_name).access_keys:
        if key.access_key_id == access_key_id:
            key.create_date = key.create_date - timedelta(days=days)


def mark_access_key_used(account_id: str, user_name: str, access_key_id: str, days_ago: int) -> None:
    """Record a last use of the key ``days_ago`` days back."""
    from moto.core.utils import utcnow
    from moto.iam.models import AccessKeyLastUsed

    for key in iam_backend(account_id).get_user(user_name).access_keys:
        if key.access_key_id == access_key_id:
            key.last_used = AccessKeyLastUsed(utcnow() - timedelta(days=days_ago), "s3", "us-east-1")


def plant(session: boto3.Session, regions: list[str]) -> None:
    iam = session.client("iam")
    account_id = session.client("sts").get_caller_identity()["Account"]

    # Weak password policy: short, no symbols, no reuse prevention.
    iam.update_account_password_policy(
        MinimumPasswordLength=8,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        RequireNumbers=True,
        RequireSymbols=False,
    )

    # A console user without MFA, holding an old key nobody has used since.
    iam.create_user(UserName="demo-legacy-operator")
    iam.create_login_profile(UserName="demo-legacy-operator", Password=DEMO_PASSWORD)
    old_key = iam.create_access_key(UserName="demo-legacy-operator")["AccessKey"]["AccessKeyId"]
    backdate_access_key(account_id, "demo-legacy-operator", old_key, days=210)
    mark_access_key_used(account_id, "demo-legacy-operator", old_key, days_ago=150)

    # A user with the AWS managed AdministratorAccess policy attached directly.
    iam.create_user(UserName="demo-ci-deployer")
    iam.attach_user_policy(
        UserName="demo-ci-deployer", PolicyArn=ensure_aws_managed_policy(account_id, ADMINISTRATOR_ACCESS)
    )

    # A customer-managed policy granting everything, attached to a group.
    everything = iam.create_policy(
        PolicyName="demo-everything",
        PolicyDocument=_document({"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"}),
    )["Policy"]["Arn"]
    iam.create_group(GroupName="demo-power-users")
    iam.attach_group_policy(GroupName="demo-power-users", PolicyArn=everything)

    # A compliant console user: MFA, a fresh key in use, least-privilege policy via a group.
    iam.create_user(UserName="demo-analyst")
    iam.create_login_profile(UserName="demo-analyst", Password=DEMO_PASSWORD)
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="demo-analyst")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(
        UserName="demo-analyst", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
    )
    fresh_key = iam.create_access_key(UserName="demo-analyst")["AccessKey"]["AccessKeyId"]
    mark_access_key_used(account_id, "demo-analyst", fresh_key, days_ago=1)
    read_only = iam.create_policy(
        PolicyName="demo-reports-read",
        PolicyDocument=_document(
            {
                "Sid": "ReadReports",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": ["arn:aws:s3:::demo-customer-records", "arn:aws:s3:::demo-customer-records/*"],
            }
        ),
    )["Policy"]["Arn"]
    iam.create_group(GroupName="demo-analysts")
    iam.attach_group_policy(GroupName="demo-analysts", PolicyArn=read_only)
    iam.add_user_to_group(GroupName="demo-analysts", UserName="demo-analyst")
