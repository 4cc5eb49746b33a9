"""Cloud KMS: one resource per KMS location of the project, with its key rings and their keys.

Key rings can only be listed location by location, so the listing is the
project's KMS locations; each location's key rings are a detail, and the crypto
keys of every key ring a ``for_each`` detail. Responses carry enums as numbers
on the wire; the GAPIC client turns them back into names (``ENCRYPT_DECRYPT``,
``ENABLED``). No key material is ever requested: only key metadata.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, ResourceSpec

MAX_ROTATION_SECONDS = 90 * 24 * 3600  # 7776000s


def _seconds(duration: Any) -> float | None:
    """A protobuf JSON duration ("7776000s") in seconds, or None."""
    if not duration:
        return None
    try:
        return float(str(duration).removesuffix("s"))
    except ValueError:
        return None


def short_name(key_name: str) -> str:
    """``keyRings/<ring>/cryptoKeys/<key>`` as ``<ring>/<key>``."""
    parts = str(key_name).split("/")
    return f"{parts[-3]}/{parts[-1]}" if len(parts) >= 4 else str(key_name)


def rotation_problem(key: dict[str, Any]) -> str | None:
    """Why a symmetric key is not rotated at least every 90 days, or None when it is."""
    period = _seconds(key.get("rotationPeriod"))
    if period is None:
        return "no rotation period"
    if period > MAX_ROTATION_SECONDS:
        return f"rotation period {int(period) // 86400} days"
    if not key.get("nextRotationTime"):
        return "no next rotation time"
    return None


def _is_enabled_symmetric(key: dict[str, Any]) -> bool:
    primary = key.get("primary") or {}
    return key.get("purpose") == "ENCRYPT_DECRYPT" and primary.get("state") == "ENABLED"


def _crypto_keys(pages: list[Any] | None) -> dict[str, Any]:
    """The keys of every key ring (one page of keys per ring)."""
    keys = [key for page in pages or [] for key in page or []]
    symmetric = [key for key in keys if _is_enabled_symmetric(key)]
    not_rotated = []
    for key in symmetric:
        problem = rotation_problem(key)
        if problem:
            not_rotated.append(f"{short_name(key.get('name', ''))}: {problem}")
    return {
        "key_count": len(keys),
        "symmetric_keys": [short_name(key.get("name", "")) for key in symmetric],
        "keys_not_rotated": not_rotated,
    }


LOCATION = ResourceSpec(
    type="gcp.kms.location",
    service="kms",
    scope="global",
    listing=Call("list_locations", {"request": {"name": "projects/{account}"}}, result="locations"),
    id="{name}",
    name="{locationId}",
    arn=None,
    normalize=lambda item: {"location": item.raw.get("locationId")},
    details=(
        Detail(
            "key_rings",
            Call("list_key_rings", {"request": {"parent": "{name}"}}),
            lambda rings: {"key_ring_count": len(rings or [])},
            # crypto_keys lists the keys ring by ring: with no rings known, no key is known either
            provides=tuple(_crypto_keys(None)),
        ),
        Detail(
            "crypto_keys",
            Call("list_crypto_keys", {"request": {"parent": "{name}"}}),
            _crypto_keys,
            for_each="key_rings",
        ),
    ),
    region_field="location",
)

SPECS = (LOCATION,)
