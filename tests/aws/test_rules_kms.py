"""The KMS rotation rule failing, passing and staying silent on keys it does not apply to."""

from __future__ import annotations

import json

import boto3
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from scanner.models import Status
from tests.support.aws import restricted_session, scan
from tests.support.results import finding

RULE = "aws.kms.key_rotation_enabled"


def _rule_findings(result):
    return {f.resource.id: f for f in result.findings if f.rule_id == RULE}


def test_customer_key_rotation_fails_then_passes(aws):
    kms = aws.client("kms")
    off = kms.create_key(Description="no rotation")["KeyMetadata"]["KeyId"]
    on = kms.create_key(Description="rotated")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=on)
    result = scan(aws, RULE)
    bad = finding(result, RULE, off)
    assert bad.status is Status.FAIL
    assert bad.evidence["rotation_enabled"] is False
    assert bad.evidence["key_manager"] == "CUSTOMER"
    assert bad.evidence["key_spec"] == "SYMMETRIC_DEFAULT"
    good = finding(result, RULE, on)
    assert good.status is Status.PASS
    assert good.evidence["rotation_enabled"] is True


def test_rule_skips_keys_that_cannot_rotate(aws):
    kms = aws.client("kms")
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    disabled = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=disabled)
    doomed = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    imported = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    plain = kms.create_key()["KeyMetadata"]["KeyId"]
    findings = _rule_findings(scan(aws, RULE))
    # Only the enabled, customer-managed symmetric key with KMS-made material is judged (and fails).
    assert not {signing, disabled, doomed, imported} & set(findings)
    assert set(findings) == {plain}
    assert findings[plain].status is Status.FAIL
    # moto cannot create an AWS-managed key: describing "alias/aws/s3" makes a key with KeyManager
    # CUSTOMER. The AWS-managed case is the same applies_when branch as the ones tested here.


# Set-up: create_key x2, create_user, put_user_policy, create_access_key run before enforcement starts.
@set_initial_no_auth_action_count(5)
def _scan_without_rotation_permission():
    admin = boto3.Session(region_name="us-east-1")
    kms = admin.client("kms")
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    symmetric = kms.create_key()["KeyMetadata"]["KeyId"]
    allowed = ["sts:GetCallerIdentity", "kms:ListKeys", "kms:DescribeKey", "kms:ListResourceTags"]
    auditor = restricted_session(admin, allowed, policy_name="no-rotation-status")
    return signing, symmetric, scan(auditor, RULE)


def test_unreadable_rotation_status_is_error_only_where_the_rule_applies():
    # Real AWS refuses GetKeyRotationStatus on some keys the rule does not apply to (asymmetric,
    # AWS-managed); moto answers for every key, so here the call is denied by IAM instead.
    with mock_aws():
        signing, symmetric, result = _scan_without_rotation_permission()
    findings = _rule_findings(result)
    assert signing not in findings, "a key the rule does not apply to must not get an ERROR"
    assert findings[symmetric].status is Status.ERROR
    assert "get_key_rotation_status failed: AccessDenied" in findings[symmetric].message
    assert not [f for f in result.findings if f.status is Status.PASS]


POLICY_RULE = "aws.kms.key_policy_not_public"
STATE_RULE = "aws.kms.key_not_pending_deletion"


def _policy(*statements: dict) -> str:
    root = {
        "Sid": "EnableRootAccess",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [root, *statements]})


def test_key_policy_open_to_everyone_fails(aws):
    kms = aws.client("kms")
    public = kms.create_key(Description="shared with the world")["KeyMetadata"]["KeyId"]
    scoped = kms.create_key(Description="AWS-managed style")["KeyMetadata"]["KeyId"]
    private = kms.create_key(Description="account only")["KeyMetadata"]["KeyId"]
    decrypt = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt"], "Resource": "*"}
    kms.put_key_policy(KeyId=public, PolicyName="default", Policy=_policy({"Sid": "AnyoneDecrypts", **decrypt}))
    via_account = {
        **decrypt,
        "Condition": {
            "StringEquals": {"kms:CallerAccount": "123456789012", "kms:ViaService": "s3.us-east-1.amazonaws.com"}
        },
    }
    kms.put_key_policy(KeyId=scoped, PolicyName="default", Policy=_policy(via_account))
    result = scan(aws, POLICY_RULE)
    bad = finding(result, POLICY_RULE, public)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"public_policy_statements": ["AnyoneDecrypts"]}
    assert finding(result, POLICY_RULE, scoped).status is Status.PASS
    assert finding(result, POLICY_RULE, private).status is Status.PASS


def test_disabled_and_doomed_customer_keys_fail(aws):
    kms = aws.client("kms")
    doomed = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    disabled = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=disabled)
    usable = kms.create_key()["KeyMetadata"]["KeyId"]
    result = scan(aws, STATE_RULE)
    assert finding(result, STATE_RULE, doomed).status is Status.FAIL
    assert finding(result, STATE_RULE, doomed).evidence["key_state"] == "PendingDeletion"
    assert finding(result, STATE_RULE, disabled).status is Status.FAIL
    assert finding(result, STATE_RULE, usable).status is Status.PASS
