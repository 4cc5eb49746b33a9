"""The Cloud KMS rotation rule failing and passing, through the real google-cloud-kms REST client.

KMS REST responses carry enums as numbers (``$alt=json;enum-encoding=int``), as
the fixtures here do: purpose 1 = ENCRYPT_DECRYPT, 5 = ASYMMETRIC_SIGN; version
state 1 = ENABLED, 2 = DISABLED; algorithm 1 = GOOGLE_SYMMETRIC_ENCRYPTION,
12 = EC_SIGN_P256_SHA256; protection level 1 = SOFTWARE.
"""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.gcp import PROJECT, FakeGcp, scan
from tests.support.results import finding

RULE = "gcp.kms.key_rotation_90_days"
LOCATIONS = f"/v1/projects/{PROJECT}/locations"
ENCRYPT_DECRYPT, ASYMMETRIC_SIGN = 1, 5
ENABLED, DISABLED = 1, 2
NINETY_DAYS = "7776000s"


def location(location_id: str) -> dict[str, Any]:
    return {
        "name": f"projects/{PROJECT}/locations/{location_id}",
        "locationId": location_id,
        "displayName": location_id,
        "metadata": {
            "@type": "type.googleapis.com/google.cloud.kms.v1.LocationMetadata",
            "hsmAvailable": True,
            "ekmAvailable": True,
        },
    }


def ring_name(location_id: str, ring: str) -> str:
    return f"projects/{PROJECT}/locations/{location_id}/keyRings/{ring}"


def key_ring(location_id: str, ring: str) -> dict[str, Any]:
    return {"name": ring_name(location_id, ring), "createTime": "2026-01-12T08:15:00.123456Z"}


def crypto_key(
    ring: str,
    name: str,
    purpose: int = ENCRYPT_DECRYPT,
    state: int = ENABLED,
    rotation: str | None = NINETY_DAYS,
    next_rotation: bool = True,
) -> dict[str, Any]:
    """A crypto key as cryptoKeys.list returns it: metadata only, enums as numbers."""
    key_name = f"{ring}/cryptoKeys/{name}"
    algorithm = 1 if purpose == ENCRYPT_DECRYPT else 12
    found: dict[str, Any] = {
        "name": key_name,
        "primary": {
            "name": f"{key_name}/cryptoKeyVersions/3",
            "state": state,
            "createTime": "2026-01-12T08:15:00.123456Z",
            "protectionLevel": 1,
            "algorithm": algorithm,
            "generateTime": "2026-01-12T08:15:00.123456Z",
        },
        "purpose": purpose,
        "createTime": "2025-06-01T09:00:00.123456Z",
        "versionTemplate": {"protectionLevel": 1, "algorithm": algorithm},
        "destroyScheduledDuration": "2592000s",
    }
    if purpose != ENCRYPT_DECRYPT:
        found.pop("primary")  # asymmetric keys have no primary version
    if rotation:
        found["rotationPeriod"] = rotation
    if next_rotation and rotation:
        found["nextRotationTime"] = "2026-04-12T08:15:00Z"
    return found


def register(gcp: FakeGcp, rings: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
    """Locations -> key rings -> keys, each on its own paged endpoint."""
    gcp.collection(LOCATIONS, "locations", [location(loc) for loc in rings])
    for loc, by_ring in rings.items():
        gcp.collection(f"{LOCATIONS}/{loc}/keyRings", "keyRings", [key_ring(loc, ring) for ring in by_ring])
        for ring, keys in by_ring.items():
            gcp.collection(f"/v1/{ring_name(loc, ring)}/cryptoKeys", "cryptoKeys", keys, page_size=2)


def test_key_rotation(gcp: FakeGcp):
    eu = ring_name("europe-west1", "app")
    us = ring_name("us-central1", "payments")
    register(
        gcp,
        {
            "europe-west1": {
                "app": [
                    crypto_key(eu, "never-rotated", rotation=None),
                    crypto_key(eu, "yearly", rotation="31536000s"),
                    crypto_key(eu, "quarterly"),
                    crypto_key(eu, "old-disabled", state=DISABLED, rotation=None),
                    crypto_key(eu, "signing", purpose=ASYMMETRIC_SIGN, rotation=None),
                ]
            },
            "us-central1": {"payments": [crypto_key(us, "card-data", rotation="2592000s")], "empty": []},
            "asia-east1": {},
        },
    )
    result = scan(gcp, RULE)
    assert not result.errors

    bad = finding(result, RULE, "europe-west1")
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "keys_not_rotated": ["app/never-rotated: no rotation period", "app/yearly: rotation period 365 days"],
        "symmetric_keys": ["app/never-rotated", "app/yearly", "app/quarterly"],
    }
    assert bad.resource.id == f"projects/{PROJECT}/locations/europe-west1" and bad.resource.region == "europe-west1"

    good = finding(result, RULE, "us-central1")
    assert good.status is Status.PASS
    assert good.evidence == {"keys_not_rotated": [], "symmetric_keys": ["payments/card-data"]}
    # a location without symmetric keys is not reported
    assert not [f for f in result.findings if f.resource.name == "asia-east1"]
    assert gcp.count(f"/v1/{eu}/cryptoKeys") == 3, "every page was read"


def test_missing_next_rotation_time_fails(gcp: FakeGcp):
    ring = ring_name("europe-west1", "app")
    register(gcp, {"europe-west1": {"app": [crypto_key(ring, "no-schedule", next_rotation=False)]}})
    bad = finding(scan(gcp, RULE), RULE, "europe-west1")
    assert bad.status is Status.FAIL
    assert bad.evidence["keys_not_rotated"] == ["app/no-schedule: no next rotation time"]


def test_key_list_denied_is_an_error(gcp: FakeGcp):
    gcp.collection(LOCATIONS, "locations", [location("europe-west1")])
    gcp.collection(f"{LOCATIONS}/europe-west1/keyRings", "keyRings", [key_ring("europe-west1", "app")])
    gcp.error(
        f"/v1/{ring_name('europe-west1', 'app')}/cryptoKeys",
        403,
        "PERMISSION_DENIED",
        "Permission 'cloudkms.cryptoKeys.list' denied on resource (or it may not exist).",
    )
    error = finding(scan(gcp, RULE), RULE, "europe-west1")
    assert error.status is Status.ERROR
    assert "PERMISSION_DENIED" in error.message


def test_kms_api_disabled_is_an_error(gcp: FakeGcp):
    gcp.error(
        LOCATIONS,
        403,
        "PERMISSION_DENIED",
        f"Cloud Key Management Service (KMS) API has not been used in project {PROJECT} before or it is disabled.",
        reason="SERVICE_DISABLED",
    )
    result = scan(gcp, RULE)
    (error,) = result.errors
    assert error.code == "SERVICE_DISABLED"
    assert [f.status for f in result.findings] == [Status.ERROR]
