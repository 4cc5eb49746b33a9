"""S3: account and bucket public access, policies, ACLs, encryption, versioning, logging."""

from __future__ import annotations

from typing import Any

from scanner.providers.aws import policy
from scanner.providers.spec import Call, Detail, Item, ResourceSpec, tag_list

_BLOCK_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
_PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
_BUCKET = {"Bucket": "{Name}"}


def _block_settings(configuration: dict[str, Any] | None) -> dict[str, Any]:
    configuration = configuration or {}
    settings = {flag: bool(configuration.get(flag, False)) for flag in _BLOCK_FLAGS}
    return {"public_access_block": settings, "public_access_block_all": all(settings.values())}


def _bucket_region(location: Any) -> str:
    # GetBucketLocation returns null for us-east-1 and the legacy "EU" for eu-west-1.
    if not location:
        return "us-east-1"
    return "eu-west-1" if location == "EU" else str(location)


def _public_acl_grants(grants: list[dict[str, Any]] | None) -> list[str]:
    found = set()
    for grant in grants or []:
        group = _PUBLIC_GROUPS.get(grant.get("Grantee", {}).get("URI", ""))
        if group:
            found.add(f"{group}:{grant.get('Permission')}")
    return sorted(found)


def _normalize_bucket(item: Item) -> dict[str, Any]:
    details = item.details
    bucket_policy = details.get("policy")
    encryption_rules = (details.get("encryption") or {}).get("Rules") or [{}]
    default_sse = encryption_rules[0].get("ApplyServerSideEncryptionByDefault") or {}
    versioning = details.get("versioning") or {}
    logging = details.get("logging") or {}
    return {
        "bucket_region": _bucket_region(details.get("location")),
        **_block_settings(details.get("public_access_block")),
        "public_policy_statements": policy.public_allow_statements(bucket_policy),
        "has_policy": bucket_policy is not None,
        "tls_enforced": policy.denies_insecure_transport(bucket_policy),
        "acl_public_grants": _public_acl_grants(details.get("acl")),
        "encryption_algorithm": default_sse.get("SSEAlgorithm"),
        "encryption_kms_key": default_sse.get("KMSMasterKeyID"),
        "versioning_status": versioning.get("Status", "Disabled"),
        "mfa_delete": versioning.get("MFADelete", "Disabled"),
        "access_logging_enabled": bool(logging),
        "access_log_target": logging.get("TargetBucket"),
    }


BUCKET = ResourceSpec(
    type="aws.s3.bucket",
    service="s3",
    scope="global",
    listing=Call("list_buckets", result="Buckets"),
    id="{Name}",
    name="{Name}",
    arn="arn:{partition}:s3:::{Name}",
    region_field="bucket_region",
    details=(
        Detail("location", Call("get_bucket_location", _BUCKET, result="LocationConstraint"), ("bucket_region",)),
        Detail(
            "public_access_block",
            Call(
                "get_public_access_block",
                _BUCKET,
                result="PublicAccessBlockConfiguration",
                absent=("NoSuchPublicAccessBlockConfiguration",),
            ),
            ("public_access_block", "public_access_block_all"),
        ),
        Detail(
            "policy",
            Call("get_bucket_policy", _BUCKET, result="Policy", absent=("NoSuchBucketPolicy",)),
            ("public_policy_statements", "has_policy", "tls_enforced"),
        ),
        Detail("acl", Call("get_bucket_acl", _BUCKET, result="Grants"), ("acl_public_grants",)),
        Detail(
            "encryption",
            Call(
                "get_bucket_encryption",
                _BUCKET,
                result="ServerSideEncryptionConfiguration",
                absent=("ServerSideEncryptionConfigurationNotFoundError",),
            ),
            ("encryption_algorithm", "encryption_kms_key"),
        ),
        Detail("versioning", Call("get_bucket_versioning", _BUCKET), ("versioning_status", "mfa_delete")),
        Detail(
            "logging",
            Call("get_bucket_logging", _BUCKET, result="LoggingEnabled"),
            ("access_logging_enabled", "access_log_target"),
        ),
        Detail("tagging", Call("get_bucket_tagging", _BUCKET, result="TagSet", absent=("NoSuchTagSet",)), ()),
    ),
    fields=(
        "bucket_region",
        "public_access_block",
        "public_access_block_all",
        "public_policy_statements",
        "has_policy",
        "tls_enforced",
        "acl_public_grants",
        "encryption_algorithm",
        "encryption_kms_key",
        "versioning_status",
        "mfa_delete",
        "access_logging_enabled",
        "access_log_target",
    ),
    normalize=_normalize_bucket,
    tags=tag_list("tagging"),
)

ACCOUNT = ResourceSpec(
    type="aws.s3.account",
    service="s3control",
    scope="global",
    listing=None,
    id="{account}",
    name="S3 account settings",
    arn=None,
    details=(
        Detail(
            "public_access_block",
            Call(
                "get_public_access_block",
                {"AccountId": "{account}"},
                result="PublicAccessBlockConfiguration",
                absent=("NoSuchPublicAccessBlockConfiguration",),
            ),
            ("public_access_block", "public_access_block_all"),
        ),
    ),
    fields=("public_access_block", "public_access_block_all"),
    normalize=lambda item: _block_settings(item.details.get("public_access_block")),
)

SPECS = (ACCOUNT, BUCKET)
