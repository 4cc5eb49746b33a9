"""Each IAM rule failing and passing on a moto account.

moto cannot backdate keys, record key use, turn on root MFA or report root keys,
and loads no AWS managed policies by default; those facts are set on moto's
in-process IAM backend (account state, like any other planting).
"""

from __future__ import annotations

import json

from scanner.demo.iam import (
    backdate_access_key,
    ensure_aws_managed_policy,
    iam_backend,
    mark_access_key_used,
)
from scanner.models import Status
from tests.support.aws import scan
from tests.support.results import finding, status_of

PASSWORD = "DemoOnly-NotASecret-1"
STRONG_POLICY = {
    "MinimumPasswordLength": 14,
    "RequireUppercaseCharacters": True,
    "RequireLowercaseCharacters": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
}


def _document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ALLOW_ALL = _document({"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"})
SCOPED = _document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"})
TRUST_EC2 = _document({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})


def _account(session):
    return session.client("sts").get_caller_identity()["Account"]


def _key(iam, user):
    return iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]


# -- account ---------------------------------------------------------------


def test_root_mfa(aws):
    rule = "aws.iam.root_mfa_enabled"
    account = _account(aws)
    # moto always reports AccountMFAEnabled=0; the enabled case is set on the backend.
    failing = finding(scan(aws, rule), rule, account)
    assert failing.status is Status.FAIL
    assert failing.evidence == {"root_mfa_enabled": False}
    iam_backend(account).account_summary._account_mfa_enabled = 1
    passing = finding(scan(aws, rule), rule, account)
    assert passing.status is Status.PASS
    assert passing.evidence == {"root_mfa_enabled": True}


def test_root_access_keys(aws):
    rule = "aws.iam.root_no_access_keys"
    account = _account(aws)
    # moto always reports AccountAccessKeysPresent=0; a root key is simulated on the backend.
    assert status_of(scan(aws, rule), rule, account) is Status.PASS
    iam_backend(account).account_summary._account_access_keys_present = 1
    failing = finding(scan(aws, rule), rule, account)
    assert failing.status is Status.FAIL
    assert failing.evidence == {"root_access_keys_present": True}


def test_password_policy_strong(aws):
    rule = "aws.iam.password_policy_strong"
    account = _account(aws)
    iam = aws.client("iam")
    missing = finding(scan(aws, rule), rule, account)
    assert missing.status is Status.FAIL
    assert missing.evidence == {"password_policy_gaps": ["no password policy"], "password_minimum_length": None}

    iam.update_account_password_policy(**{**STRONG_POLICY, "MinimumPasswordLength": 8, "RequireSymbols": False})
    weak = finding(scan(aws, rule), rule, account)
    assert weak.status is Status.FAIL
    assert weak.evidence["password_policy_gaps"] == ["minimum length 8 < 14", "symbols not required"]

    iam.update_account_password_policy(**STRONG_POLICY)
    strong = finding(scan(aws, rule), rule, account)
    assert strong.status is Status.PASS
    assert strong.evidence == {"password_policy_gaps": [], "password_minimum_length": 14}


def test_password_policy_reuse_prevention(aws):
    rule = "aws.iam.password_policy_reuse_prevention"
    account = _account(aws)
    iam = aws.client("iam")
    missing = finding(scan(aws, rule), rule, account)
    assert missing.status is Status.FAIL
    assert missing.evidence == {"password_reuse_prevention": None, "password_policy_present": False}

    iam.update_account_password_policy(**STRONG_POLICY, PasswordReusePrevention=5)
    short = finding(scan(aws, rule), rule, account)
    assert short.status is Status.FAIL
    assert short.evidence["password_reuse_prevention"] == 5

    iam.update_account_password_policy(**STRONG_POLICY, PasswordReusePrevention=24)
    passing = finding(scan(aws, rule), rule, account)
    assert passing.status is Status.PASS
    assert passing.evidence == {"password_reuse_prevention": 24, "password_policy_present": True}


# -- users -----------------------------------------------------------------


def test_user_console_mfa(aws):
    iam = aws.client("iam")
    for user in ("no-mfa", "with-mfa", "api-only"):
        iam.create_user(UserName=user)
    iam.create_login_profile(UserName="no-mfa", Password=PASSWORD)
    iam.create_login_profile(UserName="with-mfa", Password=PASSWORD)
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="with-mfa")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(
        UserName="with-mfa", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
    )
    rule = "aws.iam.user_console_mfa_enabled"
    result = scan(aws, rule)
    failing = finding(result, rule, "no-mfa")
    assert failing.status is Status.FAIL
    assert failing.evidence == {"has_console_password": True, "mfa_enabled": False}
    passing = finding(result, rule, "with-mfa")
    assert passing.status is Status.PASS
    assert passing.evidence == {"has_console_password": True, "mfa_enabled": True}
    # No console password: the rule does not apply.
    assert not [f for f in result.findings if f.resource.id == "api-only"]


def test_user_access_keys_rotated(aws):
    iam = aws.client("iam")
    account = _account(aws)
    for user in ("old-key", "fresh-key", "old-inactive-key"):
        iam.create_user(UserName=user)
    old = _key(iam, "old-key")
    backdate_access_key(account, "old-key", old, days=120)
    _key(iam, "fresh-key")
    inactive = _key(iam, "old-inactive-key")
    iam.update_access_key(UserName="old-inactive-key", AccessKeyId=inactive, Status="Inactive")
    backdate_access_key(account, "old-inactive-key", inactive, days=400)

    rule = "aws.iam.user_access_keys_rotated"
    result = scan(aws, rule)
    failing = finding(result, rule, "old-key")
    assert failing.status is Status.FAIL
    assert failing.evidence == {"access_keys_not_rotated": [{"key": f"****{old[-4:]}", "age_days": 120}]}
    assert status_of(result, rule, "fresh-key") is Status.PASS
    assert status_of(result, rule, "old-inactive-key") is Status.PASS
    # Only the last four characters of a key id ever leave the collector.
    assert old not in result.model_dump_json()


def test_user_access_keys_used(aws):
    iam = aws.client("iam")
    account = _account(aws)
    for user in ("never-used", "idle", "busy", "new", "no-keys"):
        iam.create_user(UserName=user)
    never = _key(iam, "never-used")
    backdate_access_key(account, "never-used", never, days=200)
    idle = _key(iam, "idle")
    backdate_access_key(account, "idle", idle, days=300)
    mark_access_key_used(account, "idle", idle, days_ago=100)
    busy = _key(iam, "busy")
    backdate_access_key(account, "busy", busy, days=300)
    mark_access_key_used(account, "busy", busy, days_ago=3)
    _key(iam, "new")  # never used, but only just created

    rule = "aws.iam.user_access_keys_used"
    result = scan(aws, rule)
    never_used = finding(result, rule, "never-used")
    assert never_used.status is Status.FAIL
    assert never_used.evidence == {
        "access_keys_unused": [{"key": f"****{never[-4:]}", "days_unused": 200, "ever_used": False}]
    }
    idle_finding = finding(result, rule, "idle")
    assert idle_finding.status is Status.FAIL
    assert idle_finding.evidence == {
        "access_keys_unused": [{"key": f"****{idle[-4:]}", "days_unused": 100, "ever_used": True}]
    }
    for user in ("busy", "new", "no-keys"):
        assert status_of(result, rule, user) is Status.PASS, user


def test_user_administrator_access(aws):
    iam = aws.client("iam")
    account = _account(aws)
    admin_arn = ensure_aws_managed_policy(account, "AdministratorAccess")
    read_only = ensure_aws_managed_policy(account, "ReadOnlyAccess")
    iam.create_user(UserName="admin")
    iam.attach_user_policy(UserName="admin", PolicyArn=admin_arn)
    iam.create_user(UserName="reader")
    iam.attach_user_policy(UserName="reader", PolicyArn=read_only)
    rule = "aws.iam.user_no_administrator_access"
    result = scan(aws, rule)
    failing = finding(result, rule, "admin")
    assert failing.status is Status.FAIL
    assert failing.evidence == {"administrator_access_attached": True}
    passing = finding(result, rule, "reader")
    assert passing.status is Status.PASS
    assert passing.evidence == {"administrator_access_attached": False}


def test_user_inline_policy_full_admin(aws):
    iam = aws.client("iam")
    iam.create_user(UserName="inline-admin")
    iam.put_user_policy(UserName="inline-admin", PolicyName="break-glass", PolicyDocument=ALLOW_ALL)
    iam.create_user(UserName="inline-scoped")
    iam.put_user_policy(UserName="inline-scoped", PolicyName="reports", PolicyDocument=SCOPED)
    rule = "aws.iam.user_inline_policy_no_full_admin"
    result = scan(aws, rule)
    failing = finding(result, rule, "inline-admin")
    assert failing.status is Status.FAIL
    assert failing.evidence == {"inline_full_admin_policies": ["break-glass:Everything"]}
    assert status_of(result, rule, "inline-scoped") is Status.PASS


# -- roles, groups, policies -----------------------------------------------


def test_role_inline_policy_full_admin(aws):
    iam = aws.client("iam")
    iam.create_role(RoleName="admin-role", AssumeRolePolicyDocument=TRUST_EC2)
    iam.put_role_policy(RoleName="admin-role", PolicyName="all", PolicyDocument=ALLOW_ALL)
    iam.create_role(RoleName="app-role", AssumeRolePolicyDocument=TRUST_EC2)
    iam.put_role_policy(RoleName="app-role", PolicyName="reports", PolicyDocument=SCOPED)
    linked = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]["RoleName"]
    rule = "aws.iam.role_inline_policy_no_full_admin"
    result = scan(aws, rule)
    failing = finding(result, rule, "admin-role")
    assert failing.status is Status.FAIL
    assert failing.evidence == {"inline_full_admin_policies": ["all:Everything"], "is_service_linked": False}
    assert status_of(result, rule, "app-role") is Status.PASS
    # Service-linked roles are AWS-managed and excluded by applies_when.
    assert not [f for f in result.findings if f.resource.id == linked]


def test_group_inline_policy_full_admin(aws):
    iam = aws.client("iam")
    iam.create_group(GroupName="admins")
    iam.put_group_policy(GroupName="admins", PolicyName="all", PolicyDocument=ALLOW_ALL)
    iam.create_group(GroupName="readers")
    iam.put_group_policy(GroupName="readers", PolicyName="reports", PolicyDocument=SCOPED)
    rule = "aws.iam.group_inline_policy_no_full_admin"
    result = scan(aws, rule)
    failing = finding(result, rule, "admins")
    assert failing.status is Status.FAIL
    assert failing.evidence == {"inline_full_admin_policies": ["all:Everything"]}
    passing = finding(result, rule, "readers")
    assert passing.status is Status.PASS
    assert passing.evidence == {"inline_full_admin_policies": []}


def test_customer_policy_full_admin(aws):
    iam = aws.client("iam")
    everything = iam.create_policy(PolicyName="everything", PolicyDocument=ALLOW_ALL)["Policy"]["Arn"]
    iam.create_user(UserName="holder")
    iam.attach_user_policy(UserName="holder", PolicyArn=everything)
    narrowed = iam.create_policy(PolicyName="narrowed", PolicyDocument=ALLOW_ALL)["Policy"]["Arn"]
    # Only the default version counts: v1 allowed everything, v2 (default) does not.
    iam.create_policy_version(PolicyArn=narrowed, PolicyDocument=SCOPED, SetAsDefault=True)
    rule = "aws.iam.policy_no_full_admin"
    result = scan(aws, rule)
    failing = finding(result, rule, everything)
    assert failing.status is Status.FAIL
    assert failing.evidence == {"full_admin_statements": ["Everything"], "attachment_count": 1}
    passing = finding(result, rule, narrowed)
    assert passing.status is Status.PASS
    assert passing.evidence == {"full_admin_statements": [], "attachment_count": 0}


def test_aws_managed_policies_are_not_listed(aws):
    account = _account(aws)
    admin_arn = ensure_aws_managed_policy(account, "AdministratorAccess")
    custom = aws.client("iam").create_policy(PolicyName="custom", PolicyDocument=SCOPED)["Policy"]["Arn"]
    result = scan(aws, "aws.iam.policy_no_full_admin")
    assert [f.resource.id for f in result.findings] == [custom]
    assert admin_arn != custom
