"""Storage accounts: transport security, public access, shared keys, encryption, network, soft delete."""

from __future__ import annotations

from typing import Any

from scanner.providers.azure.arm import arm_resource
from scanner.providers.spec import Call, Detail, Item

_ACCOUNT = {"resource_group_name": "{resource_group}", "account_name": "{name}"}


def _normalize_account(item: Item) -> dict[str, Any]:
    properties = item.raw.get("properties") or {}
    encryption = properties.get("encryption") or {}
    network = properties.get("networkAcls") or {}
    return {
        # StorageV2, BlobStorage, BlockBlobStorage, FileStorage (premium file shares: no blob service), Storage (v1)
        "kind": item.raw.get("kind"),
        # absent means the platform default, which is HTTPS-only since 2019
        "https_only": properties.get("supportsHttpsTrafficOnly", True) is not False,
        # absent on old accounts means TLS 1.0 is accepted
        "minimum_tls_version": properties.get("minimumTlsVersion") or "TLS1_0",
        # null (never set, older accounts) lets containers be made anonymous, like true
        "allow_blob_public_access": properties.get("allowBlobPublicAccess") is not False,
        # null means the default, which still allows shared-key (account key) authorization
        "allow_shared_key_access": properties.get("allowSharedKeyAccess") is not False,
        "encryption_key_source": encryption.get("keySource") or "Microsoft.Storage",
        "infrastructure_encryption": encryption.get("requireInfrastructureEncryption") is True,
        "network_default_action": network.get("defaultAction") or "Allow",
    }


def _blob_service(service: dict[str, Any] | None) -> dict[str, Any]:
    soft_delete = ((service or {}).get("properties") or {}).get("deleteRetentionPolicy") or {}
    return {
        "blob_soft_delete_enabled": soft_delete.get("enabled") is True,
        "blob_soft_delete_days": soft_delete.get("days") if soft_delete.get("enabled") else None,
    }


ACCOUNT = arm_resource(
    type="azure.storage.account",
    service="storage",
    listing=Call("storage_accounts.list"),
    details=(
        Detail(
            "blob_service",
            Call("blob_services.get_service_properties", _ACCOUNT),
            _blob_service,
        ),
    ),
    normalize=_normalize_account,
)

SPECS = (ACCOUNT,)
