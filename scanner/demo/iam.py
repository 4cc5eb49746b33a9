"""Demo IAM: a weak password policy, risky users, roles and policies beside a tidy user.

Some account state cannot be made through the API (old keys, past key and password
use, the root user's row of the credential report, AWS managed policies, which moto
only loads on request); it is set directly on moto's in-process IAM backend, the
same way the tests do it.
"""

from __future__ import annotations

import json
from datetime import timedelta

import boto3

DEMO_PASSWORD = "DemoOnly-NotASecret-1"
ADMINISTRATOR_ACCESS = "AdministratorAccess"
CLOUDSHELL_FULL_ACCESS = "AWSCloudShellFullAccess"
ROOT_ROW = "<root_account>"


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


def backdate_user(account_id: str, user_name: str, days: int) -> None:
    """Pretend the user, and so its console password (moto dates the login profile with it), is ``days`` old."""
    user = iam_backend(account_id).get_user(user_name)
    user.create_date = user.create_date - timedelta(days=days)


def mark_password_used(account_id: str, user_name: str, days_ago: int) -> None:
    """Record a console sign-in ``days_ago`` days back (ListUsers' PasswordLastUsed)."""
    from moto.core.utils import utcnow

    iam_backend(account_id).get_user(user_name).password_last_used = utcnow() - timedelta(days=days_ago)


def record_root_usage(
    account_id: str, password_days_ago: int | None = None, access_key_days_ago: int | None = None
) -> None:
    """Give moto's credential report the root user's row that IAM always writes (moto writes none).

    ``None`` means never used. The report still has to be generated through the API first.
    """
    from moto.core.utils import utcnow

    backend = iam_backend(account_id)
    users_only = type(backend).get_credential_report.__get__(backend)

    def stamp(days_ago: int | None) -> str:
        if days_ago is None:
            return "N/A"
        return (utcnow() - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S+00:00")

    def with_root() -> str:
        header, _, rows = users_only().partition("\n")
        root = {
            "user": ROOT_ROW,
            "arn": f"arn:aws:iam::{account_id}:root",
            "user_creation_time": stamp(2000),
            "password_enabled": "not_supported",
            "password_last_used": "no_information" if password_days_ago is None else stamp(password_days_ago),
            "mfa_active": "false",
            "access_key_1_active": "false" if access_key_days_ago is None else "true",
            "access_key_1_last_used_date": stamp(access_key_days_ago),
        }
        row = ",".join(root.get(column, "not_supported") for column in header.split(","))
        return f"{header}\n{row}\n{rows}"

    backend.get_credential_report = with_root


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
    # ...which also gets a full CloudShell environment (shell, file transfer) through the AWS managed policy.
    iam.attach_group_policy(
        GroupName="demo-power-users", PolicyArn=ensure_aws_managed_policy(account_id, CLOUDSHELL_FULL_ACCESS)
    )

    # A role any AWS account in the world may assume: its trust policy names "*" with no condition.
    iam.create_role(
        RoleName="demo-partner-access",
        AssumeRolePolicyDocument=_document(
            {"Sid": "PartnerAssume", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
        ),
    )

    # A build user holding two active access keys, both in use.
    iam.create_user(UserName="demo-build-bot")
    for days_ago in (1, 2):
        key = iam.create_access_key(UserName="demo-build-bot")["AccessKey"]["AccessKeyId"]
        mark_access_key_used(account_id, "demo-build-bot", key, days_ago=days_ago)

    # A credential report exists (the scanner only reads it); root last signed in 200 days ago.
    iam.generate_credential_report()
    record_root_usage(account_id, password_days_ago=200)

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
