"""KMS: automatic rotation, key state and key policy of KMS keys.

``GetKeyRotationStatus`` is only meaningful for customer-managed symmetric keys
with KMS-generated key material; for other keys (asymmetric, HMAC, imported
material, custom key stores, sometimes AWS-managed or pending-deletion keys)
real AWS answers with an error. That failure makes ``rotation_enabled``
unavailable, but the engine decides ``applies_when`` first, from the key's
metadata alone, so keys the rule skips get no finding and keys it covers get an
ERROR carrying the API's reason, never a PASS.

The key policy is read with ``GetKeyPolicy`` (policy name ``default``, the only
one KMS has) for every key, AWS-managed ones included; only the labels of
statements open to anyone are kept, not the policy.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.aws import policy
from scanner.providers.spec import Call, Detail, ResourceSpec, tag_list

_KEY = {"KeyId": "{KeyId}"}


def _metadata(metadata: dict[str, Any] | None) -> dict[str, Any]:
    metadata = metadata or {}
    return {
        "key_manager": metadata.get("KeyManager"),
        "key_state": metadata.get("KeyState"),
        "key_spec": metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec"),
        "key_usage": metadata.get("KeyUsage"),
        "origin": metadata.get("Origin"),
        "description": metadata.get("Description") or None,
    }


def _rotation(rotation: Any) -> dict[str, Any]:
    rotation_enabled = rotation.get("KeyRotationEnabled") if isinstance(rotation, dict) else None
    return {
        "rotation_enabled": rotation_enabled if isinstance(rotation_enabled, bool) else None,
        "rotation_period_days": rotation.get("RotationPeriodInDays") if isinstance(rotation, dict) else None,
    }


def _key_policy(key_policy: Any) -> dict[str, Any]:
    return {"public_policy_statements": policy.public_key_policy_statements(key_policy)}


KEY = ResourceSpec(
    type="aws.kms.key",
    service="kms",
    scope="regional",
    listing=Call("list_keys", result="Keys"),
    id="{KeyId}",
    name="{KeyId}",
    arn="{KeyArn}",
    details=(
        Detail("metadata", Call("describe_key", _KEY, result="KeyMetadata"), _metadata),
        # Fails for keys without automatic rotation: their rotation fields become unavailable (module docstring).
        Detail("rotation", Call("get_key_rotation_status", _KEY), _rotation),
        Detail("policy", Call("get_key_policy", {**_KEY, "PolicyName": "default"}, result="Policy"), _key_policy),
        # Read by the tag reader only: no config field depends on it.
        Detail("tags", Call("list_resource_tags", _KEY, result="Tags")),
    ),
    tags=tag_list("tags", key="TagKey", value="TagValue"),
)

SPECS = (KEY,)
