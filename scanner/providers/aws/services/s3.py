"""S3: account and bucket public access, policies, ACLs, encryption, versioning, logging."""

from __future__ import annotations

from typing import Any

from scanner.providers.aws import policy
from scanner.providers.spec import Call, Detail, ResourceSpec, singleton, tag_list

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


def _bucket_region(location: Any) -> dict[str, Any]:
    # GetBucketLocation returns null for us-east-1 and the legacy "EU" for eu-west-1.
    if not location:
        return {"bucket_region": "us-east-1"}
    return {"bucket_region": "eu-west-1" if location == "EU" else str(location)}


def _bucket_policy(bucket_policy: Any) -> dict[str, Any]:
    return {
        "public_policy_statements": policy.public_allow_statements(bucket_policy),
        "has_policy": bucket_policy is not None,
        "tls_enforced": policy.denies_insecure_transport(bucket_policy),
    }


def _public_acl_grants(grants: list[dict[str, Any]] | None) -> dict[str, Any]:
    found = set()
    for grant in grants or []:
        group = _PUBLIC_GROUPS.get(grant.get("Grantee", {}).get("URI", ""))
        if group:
            found.add(f"{group}:{grant.get('Permission')}")
    return {"acl_public_grants": sorted(found)}


def _default_encryption(configuration: dict[str, Any] | None) -> dict[str, Any]:
    encryption_rules = (configuration or {}).get("Rules") or [{}]
    default_sse = encryption_rules[0].get("ApplyServerSideEncryptionByDefault") or {}
    return {
        "encryption_algorithm": default_sse.get("SSEAlgorithm"),
        "encryption_kms_key": default_sse.get("KMSMasterKeyID"),
    }


def _versioning(versioning: dict[str, Any] | None) -> dict[str, Any]:
    versioning = versioning or {}
    return {
        "versioning_status": versioning.get("Status", "Disabled"),
        "mfa_delete": versioning.get("MFADelete", "Disabled"),
    }


def _access_logging(logging: dict[str, Any] | None) -> dict[str, Any]:
    logging = logging or {}
    return {"access_logging_enabled": bool(logging), "access_log_target": logging.get("TargetBucket")}


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
        Detail("location", Call("get_bucket_location", _BUCKET, result="LocationConstraint"), _bucket_region),
        Detail(
            "public_access_block",
            Call(
                "get_public_access_block",
                _BUCKET,
                result="PublicAccessBlockConfiguration",
                absent=("NoSuchPublicAccessBlockConfiguration",),
            ),
            _block_settings,
        ),
        Detail(
            "policy",
            Call("get_bucket_policy", _BUCKET, result="Policy", absent=("NoSuchBucketPolicy",)),
            _bucket_policy,
        ),
        Detail("acl", Call("get_bucket_acl", _BUCKET, result="Grants"), _public_acl_grants),
        Detail(
            "encryption",
            Call(
                "get_bucket_encryption",
                _BUCKET,
                result="ServerSideEncryptionConfiguration",
                absent=("ServerSideEncryptionConfigurationNotFoundError",),
            ),
            _default_encryption,
        ),
        Detail("versioning", Call("get_bucket_versioning", _BUCKET), _versioning),
        Detail("logging", Call("get_bucket_logging", _BUCKET, result="LoggingEnabled"), _access_logging),
        # Read by the tag reader only: no config field depends on it.
        Detail("tagging", Call("get_bucket_tagging", _BUCKET, result="TagSet", absent=("NoSuchTagSet",))),
    ),
    tags=tag_list("tagging"),
)

ACCOUNT = singleton(
    type="aws.s3.account",
    service="s3control",
    id="{account}",
    name="S3 account settings",
    details=(
        Detail(
            "public_access_block",
            Call(
                "get_public_access_block",
                {"AccountId": "{account}"},
                result="PublicAccessBlockConfiguration",
                absent=("NoSuchPublicAccessBlockConfiguration",),
            ),
            _block_settings,
        ),
    ),
)

SPECS = (ACCOUNT, BUCKET)
