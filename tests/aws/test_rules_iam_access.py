"""IAM access rules (dormant credentials, root use, admin grants, role trust, key count,
direct grants, CloudShell) failing and passing on a moto account.

moto cannot backdate users or keys, record sign-ins, write the root user's row of
the credential report or load AWS managed policies by itself; those facts are set
on moto's in-process IAM backend with the demo's helpers, as in test_rules_iam.py.
"""

from __future__ import annotations

import json
from collections import Counter

from scanner.demo.iam import (
    backdate_access_key,
    backdate_user,
    ensure_aws_managed_policy,
    mark_access_key_used,
    mark_password_used,
    record_root_usage,
)
from scanner.models import Status
from tests.support.aws import scan
from tests.support.results import finding, status_of

PASSWORD = "DemoOnly-NotASecret-1"


def _document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _trust(principal, **extra):
    return _document({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra})


TRUST_EC2 = _trust({"Service": "ec2.amazonaws.com"})


def _account(session):
    return session.client("sts").get_caller_identity()["Account"]


def _key(iam, user):
    return iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]


def _count_calls(session) -> Counter:
    called: Counter = Counter()
    session.events.register("before-call", lambda model, **_: called.update([model.name]))
    return called


# -- dormant credentials -----------------------------------------------------


def test_user_credentials_unused_45_days(aws):
    iam = aws.client("iam")
    account = _account(aws)
    users = (
        "idle-password",
        "recent-password",
        "never-signed-in",
        "new-password",
        "idle-key",
        "used-key",
        "inactive-old-key",
        "nothing",
    )
    for user in users:
        iam.create_user(UserName=user)
    for user in ("idle-password", "recent-password", "never-signed-in", "new-password"):
        iam.create_login_profile(UserName=user, Password=PASSWORD)
    for user in ("idle-password", "recent-password"):
        backdate_user(account, user, days=100)
    mark_password_used(account, "idle-password", days_ago=45)
    mark_password_used(account, "recent-password", days_ago=44)
    backdate_user(account, "never-signed-in", days=60)
    idle = _key(iam, "idle-key")
    backdate_access_key(account, "idle-key", idle, days=50)
    used = _key(iam, "used-key")
    backdate_access_key(account, "used-key", used, days=300)
    mark_access_key_used(account, "used-key", used, days_ago=10)
    inactive = _key(iam, "inactive-old-key")
    iam.update_access_key(UserName="inactive-old-key", AccessKeyId=inactive, Status="Inactive")
    backdate_access_key(account, "inactive-old-key", inactive, days=400)

    rule = "aws.iam.user_credentials_unused_45_days"
    result = scan(aws, rule)
    exactly_45 = finding(result, rule, "idle-password")
    assert exactly_45.status is Status.FAIL
    assert exactly_45.evidence == {
        "credentials_unused": [{"credential": "console password", "days_unused": 45, "ever_used": True}],
        "has_console_password": True,
    }
    never = finding(result, rule, "never-signed-in")
    assert never.status is Status.FAIL
    assert never.evidence["credentials_unused"] == [
        {"credential": "console password", "days_unused": 60, "ever_used": False}
    ]
    key = finding(result, rule, "idle-key")
    assert key.status is Status.FAIL
    assert key.evidence == {
        "credentials_unused": [{"credential": f"access key ****{idle[-4:]}", "days_unused": 50, "ever_used": False}],
        "has_console_password": False,
    }
    for user in ("recent-password", "new-password", "used-key", "inactive-old-key", "nothing"):
        assert status_of(result, rule, user) is Status.PASS, user
    assert idle not in result.model_dump_json()


def test_password_use_comes_from_one_list_users_call(aws):
    iam = aws.client("iam")
    for user in ("a", "b", "c"):
        iam.create_user(UserName=user)
        iam.create_login_profile(UserName=user, Password=PASSWORD)
    called = _count_calls(aws)
    scan(aws, "aws.iam.user_credentials_unused_45_days")
    assert called["ListUsers"] == 1
    assert called["GetAccountAuthorizationDetails"] == 1
    assert "GetUser" not in called and "GenerateCredentialReport" not in called


# -- root use ----------------------------------------------------------------


def test_root_use_without_credential_report_is_an_error(aws):
    rule = "aws.iam.root_not_used_recently"
    account = _account(aws)
    called = _count_calls(aws)
    error = finding(scan(aws, rule), rule, account)
    assert error.status is Status.ERROR
    assert "get_credential_report failed: ReportNotPresent" in error.message
    # The scanner reads a report; it never starts one.
    assert called["GetCredentialReport"] == 1
    assert "GenerateCredentialReport" not in called


def test_root_not_used_recently(aws):
    rule = "aws.iam.root_not_used_recently"
    account = _account(aws)
    iam = aws.client("iam")
    iam.create_user(UserName="someone")
    iam.create_login_profile(UserName="someone", Password=PASSWORD)
    iam.generate_credential_report()

    record_root_usage(account, password_days_ago=89, access_key_days_ago=400)
    failing = finding(scan(aws, rule), rule, account)
    assert failing.status is Status.FAIL
    used = failing.evidence["root_credentials_used"]
    assert [(use["credential"], use["days_ago"]) for use in used] == [("password", 89), ("access key 1", 400)]
    assert failing.evidence["root_not_used_recently"] is False
    assert failing.evidence["credential_report_generated"].startswith("2015-02-02")  # moto's fixed stamp
    assert "someone" not in failing.model_dump_json(), "only the root row is kept"

    record_root_usage(account, password_days_ago=90)
    boundary = finding(scan(aws, rule), rule, account)
    assert boundary.status is Status.PASS
    assert [use["days_ago"] for use in boundary.evidence["root_credentials_used"]] == [90]

    record_root_usage(account)
    never = finding(scan(aws, rule), rule, account)
    assert never.status is Status.PASS
    assert never.evidence["root_credentials_used"] == []


def test_credential_report_without_root_row_is_an_error(aws):
    # moto writes no root row; IAM always does. Without it nothing can be proven either way.
    rule = "aws.iam.root_not_used_recently"
    account = _account(aws)
    aws.client("iam").generate_credential_report()
    result = finding(scan(aws, rule), rule, account)
    assert result.status is Status.ERROR
    assert result.evidence["root_not_used_recently"] is None


# -- administrator access on roles and groups ---------------------------------


def test_role_and_group_administrator_access(aws):
    iam = aws.client("iam")
    account = _account(aws)
    admin = ensure_aws_managed_policy(account, "AdministratorAccess")
    read_only = ensure_aws_managed_policy(account, "ReadOnlyAccess")
    iam.create_role(RoleName="admin-role", AssumeRolePolicyDocument=TRUST_EC2)
    iam.attach_role_policy(RoleName="admin-role", PolicyArn=admin)
    iam.create_role(RoleName="reader-role", AssumeRolePolicyDocument=TRUST_EC2)
    iam.attach_role_policy(RoleName="reader-role", PolicyArn=read_only)
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn=admin)
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn=read_only)
    linked = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]["RoleName"]

    roles, groups = "aws.iam.role_no_administrator_access", "aws.iam.group_no_administrator_access"
    result = scan(aws, roles, groups)
    role = finding(result, roles, "admin-role")
    assert role.status is Status.FAIL
    assert role.evidence == {"administrator_access_attached": True, "is_service_linked": False}
    assert status_of(result, roles, "reader-role") is Status.PASS
    assert not [f for f in result.findings if f.resource.id == linked]
    group = finding(result, groups, "admins")
    assert group.status is Status.FAIL
    assert group.evidence == {"administrator_access_attached": True}
    assert status_of(result, groups, "readers") is Status.PASS


# -- role trust --------------------------------------------------------------


def test_role_trust_not_public(aws):
    iam = aws.client("iam")
    roles = {
        "any-aws": _document(
            {"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
        ),
        "star": _trust("*"),
        "external-id-only": _trust({"AWS": "*"}, Condition={"StringEquals": {"sts:ExternalId": "partner-42"}}),
        "org-only": _trust({"AWS": "*"}, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
        "partner": _trust({"AWS": "arn:aws:iam::210987654321:root"}),
        "ec2": TRUST_EC2,
    }
    for name, trust in roles.items():
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)

    rule = "aws.iam.role_trust_not_public"
    result = scan(aws, rule)
    anyone = finding(result, rule, "any-aws")
    assert anyone.status is Status.FAIL
    assert anyone.evidence == {"trust_public_statements": ["Anyone"], "is_service_linked": False}
    assert finding(result, rule, "star").evidence["trust_public_statements"] == ["Statement[0]"]
    assert status_of(result, rule, "star") is Status.FAIL
    assert status_of(result, rule, "external-id-only") is Status.FAIL
    for name in ("org-only", "partner", "ec2"):
        assert status_of(result, rule, name) is Status.PASS, name


# -- keys and direct grants ----------------------------------------------------


def test_user_single_active_access_key(aws):
    iam = aws.client("iam")
    for user in ("two-active", "one-active", "no-keys"):
        iam.create_user(UserName=user)
    first, second = _key(iam, "two-active"), _key(iam, "two-active")
    _key(iam, "one-active")
    retired = _key(iam, "one-active")
    iam.update_access_key(UserName="one-active", AccessKeyId=retired, Status="Inactive")

    rule = "aws.iam.user_single_active_access_key"
    result = scan(aws, rule)
    failing = finding(result, rule, "two-active")
    assert failing.status is Status.FAIL
    assert failing.evidence["active_access_key_count"] == 2
    assert {key["key"] for key in failing.evidence["access_keys"]} == {f"****{first[-4:]}", f"****{second[-4:]}"}
    passing = finding(result, rule, "one-active")
    assert passing.status is Status.PASS
    assert passing.evidence["active_access_key_count"] == 1
    assert status_of(result, rule, "no-keys") is Status.PASS


def test_user_no_attached_policies(aws):
    iam = aws.client("iam")
    account = _account(aws)
    read_only = ensure_aws_managed_policy(account, "ReadOnlyAccess")
    for user in ("managed", "inline", "grouped"):
        iam.create_user(UserName=user)
    iam.attach_user_policy(UserName="managed", PolicyArn=read_only)
    iam.put_user_policy(
        UserName="inline",
        PolicyName="reports",
        PolicyDocument=_document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::r/*"}),
    )
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn=read_only)
    iam.add_user_to_group(GroupName="readers", UserName="grouped")

    rule = "aws.iam.user_no_attached_policies"
    result = scan(aws, rule)
    managed = finding(result, rule, "managed")
    assert managed.status is Status.FAIL
    assert managed.evidence == {"attached_policy_arns": [read_only], "inline_policy_names": []}
    inline = finding(result, rule, "inline")
    assert inline.status is Status.FAIL
    assert inline.evidence == {"attached_policy_arns": [], "inline_policy_names": ["reports"]}
    assert status_of(result, rule, "grouped") is Status.PASS


# -- CloudShell ----------------------------------------------------------------


def test_cloudshell_full_access_not_attached(aws):
    iam = aws.client("iam")
    account = _account(aws)
    rule = "aws.iam.cloudshell_full_access_not_attached"
    iam.create_user(UserName="operator")
    iam.create_group(GroupName="ops")
    iam.create_role(RoleName="support", AssumeRolePolicyDocument=TRUST_EC2)

    passing = finding(scan(aws, rule), rule, account)
    assert passing.status is Status.PASS
    assert passing.evidence == {"cloudshell_full_access_attached_to": [], "principal_count": 3}

    cloudshell = ensure_aws_managed_policy(account, "AWSCloudShellFullAccess")
    iam.attach_user_policy(UserName="operator", PolicyArn=cloudshell)
    iam.attach_group_policy(GroupName="ops", PolicyArn=cloudshell)
    iam.attach_role_policy(RoleName="support", PolicyArn=cloudshell)
    failing = finding(scan(aws, rule), rule, account)
    assert failing.status is Status.FAIL
    assert failing.evidence == {
        "cloudshell_full_access_attached_to": ["group/ops", "role/support", "user/operator"],
        "principal_count": 3,
    }
