"""Key vaults: recoverability, network exposure, authorization model, and key/secret expiry.

Vaults are listed with ``vaults.list_by_subscription`` (the Key Vault resource
provider, with ``properties``); ``vaults.list`` goes through the generic
resources API and returns no properties. Keys and secrets are read through the
management plane (``keys.list`` / ``secrets.list``), which answers with metadata
only. Only names, the enabled flag and the expiry time are kept: a secret value
is never put in the config, even if a service version were to return one.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.azure.arm import arm_resource
from scanner.providers.spec import Call, Detail, Item

_VAULT = {"resource_group_name": "{resource_group}", "vault_name": "{name}"}

# Project each key or secret onto its name, enabled flag and expiry before anything else sees it.
_METADATA = "[].{name: name, enabled: properties.attributes.enabled, expires: properties.attributes.exp}"


def _without_expiry(entries: Any) -> list[str]:
    """Names of the enabled keys or secrets that have no expiry time (``attributes.exp``)."""
    names = []
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        # an absent enabled flag means enabled (the service default)
        if entry.get("enabled") is False:
            continue
        if entry.get("expires") is None:
            names.append(str(entry.get("name")))
    return sorted(names)


def _normalize_vault(item: Item) -> dict[str, Any]:
    properties = item.raw.get("properties") or {}
    network = properties.get("networkAcls") or {}
    return {
        "soft_delete_enabled": properties.get("enableSoftDelete") is True,
        # null until turned on; once on it cannot be turned off
        "purge_protection_enabled": properties.get("enablePurgeProtection") is True,
        # absent means the vault accepts traffic from public networks
        "public_network_access": properties.get("publicNetworkAccess") or "Enabled",
        # no networkAcls means no firewall: every network is allowed
        "network_default_action": network.get("defaultAction") or "Allow",
        # null means access policies (the default for vaults created before RBAC became the default)
        "rbac_authorization": properties.get("enableRbacAuthorization") is True,
    }


VAULT = arm_resource(
    type="azure.keyvault.vault",
    service="keyvault",
    listing=Call("vaults.list_by_subscription"),
    details=(
        Detail(
            "keys",
            Call("keys.list", _VAULT, result=_METADATA),
            lambda keys: {"keys_without_expiry": _without_expiry(keys)},
        ),
        Detail(
            "secrets",
            Call("secrets.list", _VAULT, result=_METADATA),
            lambda secrets: {"secrets_without_expiry": _without_expiry(secrets)},
        ),
    ),
    normalize=_normalize_vault,
)

SPECS = (VAULT,)
