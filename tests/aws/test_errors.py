"""Nothing is silently lost: denied, throttled and timed-out calls become ERRORs.

AccessDenied comes from moto's real IAM policy enforcement; throttling and
timeouts come from a local HTTP server on 127.0.0.1 that answers the real SDK
with AWS's own error shapes (or not at all).
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from scanner.gating import EXIT_INCOMPLETE, exit_code
from scanner.models import Status
from scanner.rules import load_rules
from scanner.scan import select_rules
from tests.support.aws import restricted_session, run

S3_RULES = [rule for rule in load_rules() if rule.id.startswith("aws.s3.")]


# set-up makes 5 calls as the (unrestricted) root before enforcement starts
@set_initial_no_auth_action_count(5)
def _scan_with_permissions(actions: list[str]):
    admin = boto3.Session(region_name="us-east-1")
    admin.client("s3").create_bucket(Bucket="data-bucket")
    session = restricted_session(admin, actions)
    return run(session, S3_RULES, regions=["us-east-1"], max_workers=2)


def test_denied_detail_calls_become_error_findings_not_passes():
    with mock_aws():
        result = _scan_with_permissions(["sts:GetCallerIdentity", "s3:ListAllMyBuckets"])
    bucket_findings = [f for f in result.findings if f.resource.id == "data-bucket"]
    assert bucket_findings, "the listed bucket must be evaluated"
    assert {f.status for f in bucket_findings} == {Status.ERROR}
    assert all("AccessDenied" in f.message for f in bucket_findings)
    assert not [f for f in result.findings if f.status is Status.PASS]
    assert exit_code(result, "high") == EXIT_INCOMPLETE


def test_scan_without_permissions_does_not_look_clean():
    with mock_aws():
        result = _scan_with_permissions(["sts:GetCallerIdentity"])
    assert result.errors, "the failed listings are scan errors"
    assert {error.code for error in result.errors} == {"AccessDenied"}
    statuses = {f.rule_id: f.status for f in result.findings}
    assert set(statuses) == {rule.id for rule in S3_RULES}, "every rule reports, none is silently skipped"
    assert set(statuses.values()) == {Status.ERROR}
    assert result.summary.by_status["PASS"] == 0
    assert exit_code(result, "none") == EXIT_INCOMPLETE


class _FakeS3(BaseHTTPRequestHandler):
    """Answers every S3 request with SlowDown (throttling) or, in slow mode, too late."""

    requests = 0
    slow = False

    def do_GET(self):  # noqa: N802 - http.server naming
        type(self).requests += 1
        if self.slow:
            time.sleep(3)
        body = b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
        try:
            self.send_response(503)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, which is the point of the slow mode

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_s3(monkeypatch, moto_server):
    handler = type("Handler", (_FakeS3,), {"requests": 0, "slow": False})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{server.server_address[1]}")
    yield handler
    server.shutdown()
    server.server_close()


def _bucket_rules():
    return select_rules(load_rules(), "aws", include=["aws.s3.bucket_*"])


def test_throttling_is_retried_then_reported(fake_s3):
    result = run(
        boto3.Session(region_name="us-east-1"), _bucket_rules(), regions=["us-east-1"], max_attempts=3, timeout=5
    )
    assert fake_s3.requests >= 3, "botocore retried the throttled call"
    (error,) = result.errors
    assert (error.service, error.operation, error.code) == ("s3", "list_buckets", "SlowDown")
    assert {f.status for f in result.findings} == {Status.ERROR}
    assert all("SlowDown" in f.message for f in result.findings)


def test_timeout_is_reported(fake_s3):
    fake_s3.slow = True
    result = run(
        boto3.Session(region_name="us-east-1"), _bucket_rules(), regions=["us-east-1"], max_attempts=1, timeout=0.5
    )
    (error,) = result.errors
    assert error.code == "Timeout"
    assert {f.status for f in result.findings} == {Status.ERROR}
    assert exit_code(result, "critical") == EXIT_INCOMPLETE


# moto names a few S3 actions differently from IAM: it authorizes GetBucketEncryption and the bucket-level
# GetPublicAccessBlock as s3:ListBucket, and S3 Control's GetPublicAccessBlock as s3:GetPublicAccessBlock
# (IAM: s3:GetEncryptionConfiguration, s3:GetBucketPublicAccessBlock, s3:GetAccountPublicAccessBlock).
MOTO_S3_ACTION_NAMES = ["s3:ListBucket", "s3:GetPublicAccessBlock"]


@set_initial_no_auth_action_count(0)
def _enforced_scan(session: boto3.Session, rules=None, **kwargs):
    """Scan with moto enforcing IAM policies from the first call on."""
    return run(session, rules, **kwargs)


# moto cannot serve these services under IAM enforcement: it rejects every signed request to the REST-JSON ones
# with SignatureDoesNotMatch (even for a user allowed "*"), authorizes CloudFront under another action name, and has
# no Access Analyzer backend (the demo answers it on its own session only; see scanner/demo/accessanalyzer.py).
# tests/aws/test_read_only.py proves the policy names every action a full scan calls, these included.
MOTO_UNENFORCED = {
    "accessanalyzer", "backup", "cloudfront", "efs", "eks", "guardduty", "lambda", "macie", "securityhub",
}  # fmt: skip


def test_documented_least_privilege_policy_is_enough():
    """The policy printed by `cloudscan permissions aws` is enough for a full demo scan, under IAM enforcement."""
    from scanner.demo import DEMO_REGIONS, plant_all
    from scanner.providers.aws.permissions import policy_document

    rules = [rule for rule in load_rules() if rule.provider == "aws" and rule.service not in MOTO_UNENFORCED]
    with mock_aws():
        admin = boto3.Session(region_name="us-east-1")
        plant_all(admin, DEMO_REGIONS)
        auditor = restricted_session(admin, policy_document()["Statement"][0]["Action"] + MOTO_S3_ACTION_NAMES)
        result = _enforced_scan(auditor, rules, regions=DEMO_REGIONS)
    assert result.errors == ()
    assert [f for f in result.findings if f.status is Status.ERROR] == []
    assert result.summary.by_status["FAIL"] > 0


def test_a_denied_per_key_call_only_affects_the_rule_that_needs_it():
    from scanner.providers.aws.permissions import policy_document

    with mock_aws():
        admin = boto3.Session(region_name="us-east-1")
        iam = admin.client("iam")
        iam.create_user(UserName="alice")
        iam.create_access_key(UserName="alice")
        actions = [a for a in policy_document()["Statement"][0]["Action"] if a != "iam:GetAccessKeyLastUsed"]
        auditor = restricted_session(admin, actions)
        rules = select_rules(load_rules(), "aws", include=["aws.iam.user_access_keys_*"])
        result = _enforced_scan(auditor, rules, regions=["us-east-1"])
    statuses = {f.rule_id: f for f in result.findings if f.resource.id == "alice"}
    assert statuses["aws.iam.user_access_keys_rotated"].status is Status.PASS
    used = statuses["aws.iam.user_access_keys_used"]
    assert used.status is Status.ERROR
    assert "get_access_key_last_used failed: AccessDenied" in used.message
