"""Each Cloud Storage rule failing and passing, through the real discovery-based storage v1 client."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.gcp import PROJECT, PROJECT_NUMBER, FakeGcp, scan
from tests.support.results import finding, status_of

BUCKETS = "/storage/v1/b"
ALL_RULES = (
    "gcp.storage.bucket_uniform_access",
    "gcp.storage.bucket_public_access_prevention",
    "gcp.storage.bucket_not_public",
    "gcp.storage.bucket_cmek",
    "gcp.storage.bucket_versioning_or_retention",
    "gcp.storage.bucket_access_logging",
)
KEY = f"projects/{PROJECT}/locations/europe-west1/keyRings/storage/cryptoKeys/buckets"


def iam_path(name: str) -> str:
    return f"{BUCKETS}/{name}/iam"


def bucket(name: str, location: str = "EUROPE-WEST1", **extra: Any) -> dict[str, Any]:
    """A bucket as buckets.list returns it (projection noAcl): fine-grained access, nothing hardened."""
    return {
        "kind": "storage#bucket",
        "selfLink": f"https://www.googleapis.com/storage/v1/b/{name}",
        "id": name,
        "name": name,
        "projectNumber": PROJECT_NUMBER,
        "generation": "1736668500123456",
        "metageneration": "3",
        "location": location,
        "storageClass": "STANDARD",
        "etag": "CAM=",
        "timeCreated": "2026-01-12T08:15:00.123Z",
        "updated": "2026-02-03T10:02:11.456Z",
        "softDeletePolicy": {"retentionDurationSeconds": "604800", "effectiveTime": "2026-01-12T08:15:00.123Z"},
        "iamConfiguration": {
            "bucketPolicyOnly": {"enabled": False},
            "uniformBucketLevelAccess": {"enabled": False},
            "publicAccessPrevention": "inherited",
        },
        "locationType": "region",
        "rpo": "DEFAULT",
        **extra,
    }


def hardened(name: str) -> dict[str, Any]:
    return bucket(
        name,
        iamConfiguration={
            "bucketPolicyOnly": {"enabled": True, "lockedTime": "2026-04-12T08:15:00.123Z"},
            "uniformBucketLevelAccess": {"enabled": True, "lockedTime": "2026-04-12T08:15:00.123Z"},
            "publicAccessPrevention": "enforced",
        },
        encryption={"defaultKmsKeyName": KEY},
        versioning={"enabled": True},
        logging={"logBucket": "acme-prod-usage-logs", "logObjectPrefix": name},
        labels={"env": "prod", "data": "customer"},
    )


def policy(name: str, *extra_bindings: dict[str, Any]) -> dict[str, Any]:
    """The bucket IAM policy: the project-convenience legacy bindings every bucket starts with."""
    return {
        "kind": "storage#policy",
        "resourceId": f"projects/_/buckets/{name}",
        "version": 1,
        "etag": "CAE=",
        "bindings": [
            {
                "role": "roles/storage.legacyBucketOwner",
                "members": [f"projectEditor:{PROJECT}", f"projectOwner:{PROJECT}"],
            },
            {"role": "roles/storage.legacyBucketReader", "members": [f"projectViewer:{PROJECT}"]},
            *extra_bindings,
        ],
    }


def register(gcp: FakeGcp, buckets: list[dict[str, Any]], policies: dict[str, dict[str, Any]]) -> None:
    gcp.collection(BUCKETS, "items", buckets, page_size=2)
    for name, body in policies.items():
        gcp.resource(iam_path(name), body)


def test_every_rule_fails_on_a_default_bucket_and_passes_on_a_hardened_one(gcp: FakeGcp):
    register(
        gcp,
        [bucket("acme-prod-exports"), hardened("acme-prod-customer-data")],
        {
            "acme-prod-exports": policy("acme-prod-exports"),
            "acme-prod-customer-data": policy("acme-prod-customer-data"),
        },
    )
    result = scan(gcp, *ALL_RULES)
    expected = {
        "gcp.storage.bucket_uniform_access": ({"uniform_access_enabled": False}, {"uniform_access_enabled": True}),
        "gcp.storage.bucket_public_access_prevention": (
            {"public_access_prevention": "inherited"},
            {"public_access_prevention": "enforced"},
        ),
        "gcp.storage.bucket_cmek": ({"default_kms_key": None}, {"default_kms_key": KEY}),
        "gcp.storage.bucket_versioning_or_retention": (
            {"versioning_enabled": False, "retention_period_seconds": None},
            {"versioning_enabled": True, "retention_period_seconds": None},
        ),
        "gcp.storage.bucket_access_logging": ({"log_bucket": None}, {"log_bucket": "acme-prod-usage-logs"}),
    }
    for rule, (bad_evidence, good_evidence) in expected.items():
        bad = finding(result, rule, "acme-prod-exports")
        assert bad.status is Status.FAIL, rule
        assert bad.evidence == bad_evidence, rule
        good = finding(result, rule, "acme-prod-customer-data")
        assert good.status is Status.PASS, rule
        assert good.evidence == good_evidence, rule
    # neither policy has a public member
    for name in ("acme-prod-exports", "acme-prod-customer-data"):
        assert status_of(result, "gcp.storage.bucket_not_public", name) is Status.PASS
    good = finding(result, "gcp.storage.bucket_cmek", "acme-prod-customer-data").resource
    assert good.region == "europe-west1" and good.account == PROJECT and good.provider == "gcp"
    assert good.id == "acme-prod-customer-data"
    assert not result.errors
    assert gcp.count(BUCKETS) == 1 and gcp.count(iam_path("acme-prod-exports")) == 1


def test_public_bindings_fail_and_private_ones_pass(gcp: FakeGcp):
    register(
        gcp,
        [bucket("acme-site-assets", "US"), bucket("acme-partner-drop"), hardened("acme-private")],
        {
            "acme-site-assets": policy(
                "acme-site-assets",
                {"role": "roles/storage.objectViewer", "members": ["allUsers"]},
                {"role": "roles/storage.legacyBucketReader", "members": ["allUsers"]},
            ),
            "acme-partner-drop": policy(
                "acme-partner-drop",
                {
                    "role": "roles/storage.objectCreator",
                    "members": ["allAuthenticatedUsers", "group:partners@example.com"],
                    "condition": {"title": "uploads only", "expression": "resource.name.startsWith('in/')"},
                },
            ),
            "acme-private": policy(
                "acme-private", {"role": "roles/storage.objectViewer", "members": ["group:data-readers@example.com"]}
            ),
        },
    )
    rule = "gcp.storage.bucket_not_public"
    result = scan(gcp, rule)
    site = finding(result, rule, "acme-site-assets")
    assert site.status is Status.FAIL
    assert site.evidence == {
        "public_members": ["roles/storage.legacyBucketReader: allUsers", "roles/storage.objectViewer: allUsers"]
    }
    assert site.resource.region == "us"
    partner = finding(result, rule, "acme-partner-drop")
    assert partner.status is Status.FAIL
    assert partner.evidence == {"public_members": ["roles/storage.objectCreator: allAuthenticatedUsers"]}
    private = finding(result, rule, "acme-private")
    assert private.status is Status.PASS
    assert private.evidence == {"public_members": []}


def test_retention_policy_alone_passes(gcp: FakeGcp):
    locked = bucket(
        "acme-audit-archive",
        retentionPolicy={"retentionPeriod": "2592000", "effectiveTime": "2026-01-12T08:15:00.123Z", "isLocked": True},
    )
    register(gcp, [locked], {"acme-audit-archive": policy("acme-audit-archive")})
    rule = "gcp.storage.bucket_versioning_or_retention"
    result = scan(gcp, rule)
    found = finding(result, rule, "acme-audit-archive")
    assert found.status is Status.PASS
    assert found.evidence == {"versioning_enabled": False, "retention_period_seconds": 2592000}


def test_iam_policy_denied_is_an_error_never_a_pass(gcp: FakeGcp):
    register(gcp, [hardened("acme-locked-down"), bucket("acme-readable")], {"acme-readable": policy("acme-readable")})
    gcp.error(
        iam_path("acme-locked-down"),
        403,
        "PERMISSION_DENIED",
        "scanner@acme-prod.iam.gserviceaccount.com does not have storage.buckets.getIamPolicy access "
        "to the Google Cloud Storage bucket. Permission 'storage.buckets.getIamPolicy' denied on resource "
        "(or it may not exist).",
    )
    result = scan(gcp, "gcp.storage.bucket_not_public", "gcp.storage.bucket_uniform_access")
    denied = finding(result, "gcp.storage.bucket_not_public", "acme-locked-down")
    assert denied.status is Status.ERROR
    assert "public_members" in denied.message and "getIamPolicy" in denied.message
    assert denied.evidence == {}
    # the listing still answers the other rules for that bucket, and other buckets are unaffected
    assert status_of(result, "gcp.storage.bucket_uniform_access", "acme-locked-down") is Status.PASS
    assert status_of(result, "gcp.storage.bucket_not_public", "acme-readable") is Status.PASS


def test_disabled_api_is_an_error_for_every_rule(gcp: FakeGcp):
    gcp.error(
        BUCKETS,
        403,
        "PERMISSION_DENIED",
        f"Cloud Storage JSON API has not been used in project {PROJECT} before or it is disabled.",
        reason="SERVICE_DISABLED",
    )
    result = scan(gcp, *ALL_RULES)
    (error,) = result.errors
    assert error.code == "SERVICE_DISABLED" and error.operation == "buckets.list"
    assert {f.rule_id for f in result.findings} == set(ALL_RULES)
    assert all(f.status is Status.ERROR for f in result.findings)
