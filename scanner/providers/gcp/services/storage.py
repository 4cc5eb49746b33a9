"""Cloud Storage: bucket access control (uniform access, public access prevention, IAM), CMEK, versioning, logging."""

from __future__ import annotations

from typing import Any

from scanner.providers.gcp.resources import labels, self_linked
from scanner.providers.spec import Call, Detail, Item

PUBLIC_PRINCIPALS = ("allUsers", "allAuthenticatedUsers")


def public_members(policy: dict[str, Any] | None) -> list[str]:
    """``role: member`` for every binding of the bucket IAM policy that grants access to the public.

    Conditional bindings count too: a condition narrows when the grant applies, not who receives it.
    Legacy bucket ACLs show up here as ``roles/storage.legacyBucket*`` bindings.
    """
    found = set()
    for binding in (policy or {}).get("bindings") or []:
        for member in binding.get("members") or []:
            if member in PUBLIC_PRINCIPALS:
                found.add(f"{binding.get('role')}: {member}")
    return sorted(found)


def _retention_seconds(bucket: dict[str, Any]) -> int | None:
    period = (bucket.get("retentionPolicy") or {}).get("retentionPeriod")
    return int(period) if period not in (None, "") else None


def _normalize_bucket(item: Item) -> dict[str, Any]:
    raw = item.raw
    iam = raw.get("iamConfiguration") or {}
    return {
        "location": str(raw.get("location", "")).lower() or None,
        "storage_class": raw.get("storageClass"),
        "uniform_access_enabled": bool((iam.get("uniformBucketLevelAccess") or {}).get("enabled", False)),
        # absent on buckets created before the setting existed: they inherit the org policy
        "public_access_prevention": iam.get("publicAccessPrevention", "inherited"),
        "default_kms_key": (raw.get("encryption") or {}).get("defaultKmsKeyName"),
        "versioning_enabled": bool((raw.get("versioning") or {}).get("enabled", False)),
        "retention_period_seconds": _retention_seconds(raw),
        "retention_locked": bool((raw.get("retentionPolicy") or {}).get("isLocked", False)),
        "log_bucket": (raw.get("logging") or {}).get("logBucket"),
    }


BUCKET = self_linked(
    type="gcp.storage.bucket",
    service="storage",
    listing=Call("buckets.list", {"project": "{account}"}, result="items"),
    # a bucket's id is its (globally unique) name, the resource id it has always had
    id="{id}",
    region_field="location",
    details=(
        Detail(
            "iam_policy",
            # version 3 so that a policy with conditional bindings is returned rather than refused
            Call("buckets.getIamPolicy", {"bucket": "{name}", "optionsRequestedPolicyVersion": 3}),
            lambda policy: {"public_members": public_members(policy)},
        ),
    ),
    normalize=_normalize_bucket,
    tags=labels,
)

SPECS = (BUCKET,)
