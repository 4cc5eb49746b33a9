"""Each Azure Key Vault rule failing and passing, through the real KeyVaultManagementClient."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.azure import RG, SUB, FakeArm, arm_id, scan
from tests.support.results import finding, status_of

VAULTS = f"/subscriptions/{SUB}/providers/Microsoft.KeyVault/vaults"
TENANT = "11111111-2222-4333-8444-555555555555"
EXPIRES = 1798761600  # 2027-01-01T00:00:00Z, as attributes.exp (seconds since the epoch)
DENIED = (
    "The client 'scanner@contoso.com' with object id '99999999-0000-4000-8000-000000000009' does not have "
    "authorization to perform action 'Microsoft.KeyVault/vaults/keys/read' over scope "
    f"'/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/locked' "
    "or the scope is invalid. If access was recently granted, please refresh your credentials."
)


def vault(name: str, **properties: Any) -> dict[str, Any]:
    """A key vault as vaults.list_by_subscription returns it, hardened unless told otherwise."""
    return {
        "id": arm_id("Microsoft.KeyVault/vaults", name),
        "name": name,
        "type": "Microsoft.KeyVault/vaults",
        "location": "westeurope",
        "tags": {"env": "prod"},
        "properties": {
            "tenantId": TENANT,
            "sku": {"family": "A", "name": "standard"},
            "accessPolicies": [],
            "enabledForDeployment": False,
            "enabledForDiskEncryption": False,
            "enabledForTemplateDeployment": False,
            "enableSoftDelete": True,
            "softDeleteRetentionInDays": 90,
            "enableRbacAuthorization": True,
            "enablePurgeProtection": True,
            "networkAcls": {
                "bypass": "AzureServices",
                "defaultAction": "Deny",
                "ipRules": [],
                "virtualNetworkRules": [],
            },
            "vaultUri": f"https://{name}.vault.azure.net/",
            "provisioningState": "Succeeded",
            "publicNetworkAccess": "Disabled",
            **properties,
        },
    }


def _vault_path(name: str) -> str:
    return f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/{name}"


def key(vault_name: str, name: str, expires: int | None = EXPIRES, enabled: bool = True) -> dict[str, Any]:
    """A key as the management-plane keys.list returns it (metadata, no key material)."""
    attributes: dict[str, Any] = {
        "enabled": enabled,
        "created": 1700000000,
        "updated": 1700000000,
        "recoveryLevel": "Recoverable",
        "exportable": False,
    }
    if expires is not None:
        attributes["exp"] = expires
    return {
        "id": arm_id("Microsoft.KeyVault/vaults", f"{vault_name}/keys/{name}"),
        "name": name,
        "type": "Microsoft.KeyVault/vaults/keys",
        "location": "westeurope",
        "properties": {
            "attributes": attributes,
            "kty": "RSA",
            "keyOps": ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
            "keySize": 2048,
            "keyUri": f"https://{vault_name}.vault.azure.net/keys/{name}",
            "keyUriWithVersion": f"https://{vault_name}.vault.azure.net/keys/{name}/0123456789abcdef0123456789abcdef",
        },
    }


def secret(vault_name: str, name: str, expires: int | None = EXPIRES, enabled: bool = True) -> dict[str, Any]:
    """A secret as the management-plane secrets.list returns it (no value)."""
    attributes: dict[str, Any] = {"enabled": enabled, "created": 1700000000, "updated": 1700000000}
    if expires is not None:
        attributes["exp"] = expires
    return {
        "id": arm_id("Microsoft.KeyVault/vaults", f"{vault_name}/secrets/{name}"),
        "name": name,
        "type": "Microsoft.KeyVault/vaults/secrets",
        "location": "westeurope",
        "properties": {
            "attributes": attributes,
            "contentType": "text/plain",
            "secretUri": f"https://{vault_name}.vault.azure.net/secrets/{name}",
            "secretUriWithVersion": f"https://{vault_name}.vault.azure.net/secrets/{name}/fedcba9876543210fedcba9876543210",
        },
    }


def plant(
    arm: FakeArm,
    *vaults: dict[str, Any],
    keys: dict[str, list[dict[str, Any]]] | None = None,
    secrets: dict[str, list[dict[str, Any]]] | None = None,
) -> None:
    arm.collection(VAULTS, list(vaults))
    for entry in vaults:
        name = entry["name"]
        arm.collection(f"{_vault_path(name)}/keys", (keys or {}).get(name, [key(name, "data-key")]))
        arm.collection(f"{_vault_path(name)}/secrets", (secrets or {}).get(name, [secret(name, "db-password")]))


def test_soft_delete_and_purge_protection(arm):
    # purge protection is null (absent) until it is turned on
    unprotected = vault("nopurge")
    del unprotected["properties"]["enablePurgeProtection"]
    plant(arm, unprotected, vault("protected"))
    result = scan(arm, "azure.keyvault.vault_soft_delete_and_purge_protection")
    bad = finding(result, "azure.keyvault.vault_soft_delete_and_purge_protection", "nopurge")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"soft_delete_enabled": True, "purge_protection_enabled": False}
    assert bad.resource.region == "westeurope"
    assert bad.resource.id == arm_id("Microsoft.KeyVault/vaults", "nopurge")
    assert bad.resource.tags == {"env": "prod"}
    good = finding(result, "azure.keyvault.vault_soft_delete_and_purge_protection", "protected")
    assert good.status is Status.PASS
    assert good.evidence == {"soft_delete_enabled": True, "purge_protection_enabled": True}


def test_public_network_access(arm):
    open_vault = vault("open", publicNetworkAccess="Enabled", networkAcls=None)
    firewalled = vault("firewalled", publicNetworkAccess="Enabled")
    plant(arm, open_vault, firewalled, vault("private"))
    result = scan(arm, "azure.keyvault.vault_public_network_access_disabled")
    rule = "azure.keyvault.vault_public_network_access_disabled"
    bad = finding(result, rule, "open")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"public_network_access": "Enabled", "network_default_action": "Allow"}
    # public access on, but the firewall denies by default: only listed networks get in
    assert status_of(result, rule, "firewalled") is Status.PASS
    good = finding(result, rule, "private")
    assert good.status is Status.PASS
    assert good.evidence == {"public_network_access": "Disabled", "network_default_action": "Deny"}


def test_rbac_authorization(arm):
    plant(arm, vault("policies", enableRbacAuthorization=False), vault("rbac"))
    result = scan(arm, "azure.keyvault.vault_rbac_authorization")
    bad = finding(result, "azure.keyvault.vault_rbac_authorization", "policies")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"rbac_authorization": False}
    assert status_of(result, "azure.keyvault.vault_rbac_authorization", "rbac") is Status.PASS


def test_keys_have_expiry(arm):
    plant(
        arm,
        vault("lax"),
        vault("strict"),
        keys={
            "lax": [
                key("lax", "forever", expires=None),
                key("lax", "dated"),
                key("lax", "retired", expires=None, enabled=False),
            ],
            "strict": [key("strict", "dated"), key("strict", "old", expires=None, enabled=False)],
        },
    )
    result = scan(arm, "azure.keyvault.vault_keys_have_expiry")
    bad = finding(result, "azure.keyvault.vault_keys_have_expiry", "lax")
    assert bad.status is Status.FAIL
    # the disabled key without expiry is not counted
    assert bad.evidence == {"keys_without_expiry": ["forever"]}
    assert "forever" in bad.message
    good = finding(result, "azure.keyvault.vault_keys_have_expiry", "strict")
    assert good.status is Status.PASS
    assert good.evidence == {"keys_without_expiry": []}


def test_secrets_have_expiry_and_no_value_is_kept(arm):
    leaky = secret("lax", "api-token", expires=None)
    # even if a service version returned a value, it must never reach the config or the report
    leaky["properties"]["value"] = "s3cr3t-value-must-not-leak"
    plant(
        arm,
        vault("lax"),
        vault("strict"),
        secrets={"lax": [leaky, secret("lax", "dated")], "strict": [secret("strict", "dated")]},
    )
    result = scan(arm, "azure.keyvault.vault_secrets_have_expiry")
    bad = finding(result, "azure.keyvault.vault_secrets_have_expiry", "lax")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"secrets_without_expiry": ["api-token"]}
    assert status_of(result, "azure.keyvault.vault_secrets_have_expiry", "strict") is Status.PASS
    assert "s3cr3t-value-must-not-leak" not in result.model_dump_json()


def test_no_keys_or_secrets_pass(arm):
    plant(arm, vault("empty"), keys={"empty": []}, secrets={"empty": []})
    result = scan(arm, "azure.keyvault.vault_keys_have_expiry", "azure.keyvault.vault_secrets_have_expiry")
    assert status_of(result, "azure.keyvault.vault_keys_have_expiry", "empty") is Status.PASS
    assert status_of(result, "azure.keyvault.vault_secrets_have_expiry", "empty") is Status.PASS


def test_unreadable_keys_and_secrets_error_without_hiding_other_rules(arm):
    arm.collection(VAULTS, [vault("locked", enableRbacAuthorization=False)])
    arm.error(f"{_vault_path('locked')}/keys", 403, "AuthorizationFailed", DENIED)
    arm.error(
        f"{_vault_path('locked')}/secrets",
        403,
        "AuthorizationFailed",
        DENIED.replace("vaults/keys/read", "vaults/secrets/read"),
    )
    result = scan(
        arm,
        "azure.keyvault.vault_keys_have_expiry",
        "azure.keyvault.vault_secrets_have_expiry",
        "azure.keyvault.vault_rbac_authorization",
        "azure.keyvault.vault_soft_delete_and_purge_protection",
    )
    keys = finding(result, "azure.keyvault.vault_keys_have_expiry", "locked")
    assert keys.status is Status.ERROR
    assert "keys.list failed: AuthorizationFailed" in keys.message
    assert "Microsoft.KeyVault/vaults/keys/read" in keys.message
    assert keys.evidence == {}
    secrets = finding(result, "azure.keyvault.vault_secrets_have_expiry", "locked")
    assert secrets.status is Status.ERROR
    assert "secrets.list failed: AuthorizationFailed" in secrets.message
    # the vault's own properties were listed, so its other rules still decide
    assert status_of(result, "azure.keyvault.vault_rbac_authorization", "locked") is Status.FAIL
    assert status_of(result, "azure.keyvault.vault_soft_delete_and_purge_protection", "locked") is Status.PASS


def test_vault_listing_denied_is_an_error(arm):
    arm.error(VAULTS, 403, "AuthorizationFailed", DENIED.replace("vaults/keys/read", "vaults/read"))
    result = scan(arm, "azure.keyvault.vault_rbac_authorization")
    [only] = result.findings
    assert only.status is Status.ERROR
    assert "AuthorizationFailed" in only.message
