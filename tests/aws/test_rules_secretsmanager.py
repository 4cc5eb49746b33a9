"""The Secrets Manager rotation rule on moto, and on a fake endpoint for rotation histories moto cannot make."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from scanner.models import Status
from scanner.providers.aws.services.secretsmanager import rotation_interval_days
from tests.support.aws import scan
from tests.support.fake_aws import FakeAws, ok
from tests.support.results import finding

RULE = "aws.secretsmanager.secret_rotation_enabled"
FAKE_VALUE = "demo-only-not-a-real-secret"  # never a real secret; must never appear in a result


def test_rotation_off_fails_and_fresh_rotation_passes(aws):
    sm = aws.client("secretsmanager")
    sm.create_secret(Name="static-api-key", SecretString=FAKE_VALUE)
    sm.create_secret(Name="rotated-db-password", SecretString=FAKE_VALUE)
    # Without a Lambda ARN moto rotates in place and records the rotation (real AWS needs a function).
    sm.rotate_secret(SecretId="rotated-db-password", RotationRules={"AutomaticallyAfterDays": 30})
    result = scan(aws, RULE)
    static = finding(result, RULE, "static-api-key")
    assert static.status is Status.FAIL
    assert static.evidence["rotation_enabled"] is False
    assert static.evidence["max_rotation_age_days"] == 90
    rotated = finding(result, RULE, "rotated-db-password")
    assert rotated.status is Status.PASS
    assert rotated.evidence["rotation_interval_days"] == 30
    assert rotated.evidence["days_since_rotation"] == 0
    assert rotated.evidence["max_rotation_age_days"] == 33
    assert FAKE_VALUE not in result.model_dump_json()


def _secret(name: str, **fields) -> dict:
    return {
        "ARN": f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{name}-AbCdEf",
        "Name": name,
        "SecretVersionsToStages": {"0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b": ["AWSCURRENT"]},
        **fields,
    }


def test_rotation_history_from_the_listing(aws, monkeypatch):
    now = datetime.now(timezone.utc)

    def epoch(days_ago: int) -> float:
        return (now - timedelta(days=days_ago)).timestamp()

    secrets = [
        # Rotation on, but the function has failed for two months.
        _secret(
            "orders-db",
            RotationEnabled=True,
            RotationLambdaARN="arn:aws:lambda:us-east-1:123456789012:function:rotate-orders",
            RotationRules={"AutomaticallyAfterDays": 30},
            LastRotatedDate=epoch(64),
            CreatedDate=epoch(400),
            Tags=[{"Key": "environment", "Value": "production"}],
        ),
        # Managed rotation on a rate() schedule, on time.
        _secret(
            "rds!db-1234",
            RotationEnabled=True,
            RotationRules={"ScheduleExpression": "rate(7 days)", "Duration": "2h"},
            LastRotatedDate=epoch(5),
            CreatedDate=epoch(90),
            OwningService="rds",
        ),
        # Cron schedule: the 90-day limit applies.
        _secret(
            "partner-api",
            RotationEnabled=True,
            RotationLambdaARN="arn:aws:lambda:us-east-1:123456789012:function:rotate-partner",
            RotationRules={"ScheduleExpression": "cron(0 4 1 * ? *)"},
            LastRotatedDate=epoch(40),
            CreatedDate=epoch(300),
        ),
        # Never rotated: its age counts from creation.
        _secret("legacy-token", CreatedDate=epoch(200)),
    ]
    with FakeAws.serving() as fake:
        fake.serve(monkeypatch, "secretsmanager")
        fake.reply("secretsmanager", "ListSecrets", ok({"SecretList": secrets}, page_size=3))
        result = scan(aws, RULE)
        assert fake.operations == ["secretsmanager.ListSecrets"] * 2, "one paged listing, no per-secret call"
    stale = finding(result, RULE, "orders-db")
    assert stale.status is Status.FAIL
    assert stale.evidence["days_since_rotation"] == 64 and stale.evidence["max_rotation_age_days"] == 33
    assert stale.resource.tags == {"environment": "production"}
    managed = finding(result, RULE, "rds!db-1234")
    assert managed.status is Status.PASS and managed.evidence["rotation_interval_days"] == 7
    cron = finding(result, RULE, "partner-api")
    assert cron.status is Status.PASS
    assert cron.evidence["rotation_interval_days"] is None and cron.evidence["max_rotation_age_days"] == 90
    never = finding(result, RULE, "legacy-token")
    assert never.status is Status.FAIL
    assert never.evidence["last_rotated"] is None and never.evidence["days_since_rotation"] == 200


def test_rotation_interval_readings():
    assert rotation_interval_days({"AutomaticallyAfterDays": 60}) == 60
    assert rotation_interval_days({"ScheduleExpression": "rate(10 days)"}) == 10
    assert rotation_interval_days({"ScheduleExpression": "rate(4 hours)"}) == 1
    assert rotation_interval_days({"ScheduleExpression": "cron(0 16 1,15 * ? *)"}) is None
    assert rotation_interval_days(None) is None
