"""Each Azure storage rule failing and passing, through the real StorageManagementClient."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.gating import exit_code
from scanner.models import Status
from tests.support.azure import ACCOUNTS, SUB, FakeArm, account, arm_id, blob_service, blob_service_path, scan
from tests.support.results import finding, status_of

STORAGE_RULES = (
    "azure.storage.account_https_only",
    "azure.storage.account_min_tls_12",
    "azure.storage.account_public_blob_access_disabled",
    "azure.storage.account_shared_key_access_disabled",
    "azure.storage.account_encryption_hardened",
    "azure.storage.account_network_default_deny",
    "azure.storage.account_blob_soft_delete",
)
DENIED = (
    "The client 'cloudscan-reader' with object id '11111111-2222-3333-4444-555555555555' does not have "
    "authorization to perform action '{action}' over scope '{scope}' or the scope is invalid."
)


def plant(arm: FakeArm, *accounts: dict[str, Any], page_size: int | None = None, blob: bool = True) -> None:
    arm.collection(ACCOUNTS, list(accounts), page_size=page_size)
    if blob:
        for entry in accounts:
            blob_service(arm, entry["name"])


def without(entry: dict[str, Any], *names: str) -> dict[str, Any]:
    """The account with properties removed, as older accounts return them (the key is simply absent)."""
    for name in names:
        del entry["properties"][name]
    return entry


def test_https_only(arm):
    plant(arm, account("plainhttp", supportsHttpsTrafficOnly=False), account("secure"))
    result = scan(arm, "azure.storage.account_https_only")
    bad = finding(result, "azure.storage.account_https_only", "plainhttp")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"https_only": False}
    assert bad.resource.region == "westeurope"
    assert bad.resource.id == arm_id("Microsoft.Storage/storageAccounts", "plainhttp")
    assert bad.resource.tags == {"env": "prod"}
    assert status_of(result, "azure.storage.account_https_only", "secure") is Status.PASS


def test_accounts_are_read_across_pages(arm):
    plant(arm, *(account(f"acct{index}") for index in range(5)), page_size=2)
    result = scan(arm, "azure.storage.account_https_only")
    assert sorted(f.resource.name for f in result.findings) == [f"acct{index}" for index in range(5)]
    assert arm.count(ACCOUNTS) == 3


@pytest.mark.parametrize(
    ("version", "expected"),
    [("TLS1_0", Status.FAIL), ("TLS1_1", Status.FAIL), ("TLS1_2", Status.PASS), ("TLS1_3", Status.PASS)],
)
def test_min_tls_12(arm, version, expected):
    plant(arm, account("acct", minimumTlsVersion=version))
    result = scan(arm, "azure.storage.account_min_tls_12")
    found = finding(result, "azure.storage.account_min_tls_12", "acct")
    assert found.status is expected
    assert found.evidence == {"minimum_tls_version": version}


def test_min_tls_absent_means_tls10(arm):
    plant(arm, without(account("legacy"), "minimumTlsVersion"))
    result = scan(arm, "azure.storage.account_min_tls_12")
    found = finding(result, "azure.storage.account_min_tls_12", "legacy")
    assert found.status is Status.FAIL
    assert found.evidence == {"minimum_tls_version": "TLS1_0"}
    assert "TLS1_0" in found.message


def test_public_blob_access_disabled(arm):
    plant(
        arm,
        account("anonymous", allowBlobPublicAccess=True),
        without(account("neverset"), "allowBlobPublicAccess"),
        account("private"),
    )
    rule = "azure.storage.account_public_blob_access_disabled"
    result = scan(arm, rule)
    bad = finding(result, rule, "anonymous")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"allow_blob_public_access": True}
    # null: never set on an older account, which still lets containers be made public
    unset = finding(result, rule, "neverset")
    assert unset.status is Status.FAIL
    assert unset.evidence == {"allow_blob_public_access": True}
    good = finding(result, rule, "private")
    assert good.status is Status.PASS
    assert good.evidence == {"allow_blob_public_access": False}


def test_shared_key_access_disabled(arm):
    plant(
        arm,
        account("keys", allowSharedKeyAccess=True),
        without(account("defaulted"), "allowSharedKeyAccess"),
        account("entraonly"),
    )
    rule = "azure.storage.account_shared_key_access_disabled"
    result = scan(arm, rule)
    assert status_of(result, rule, "keys") is Status.FAIL
    # null is the default, which still accepts account keys
    unset = finding(result, rule, "defaulted")
    assert unset.status is Status.FAIL
    assert unset.evidence == {"allow_shared_key_access": True}
    good = finding(result, rule, "entraonly")
    assert good.status is Status.PASS
    assert good.evidence == {"allow_shared_key_access": False}


def test_encryption_hardened(arm):
    plain = {"keySource": "Microsoft.Storage", "services": {"blob": {"enabled": True, "keyType": "Account"}}}
    cmk = {
        "keySource": "Microsoft.Keyvault",
        "requireInfrastructureEncryption": False,
        "keyvaultproperties": {
            "keyname": "storage-cmk",
            "keyvaulturi": "https://kv-prod.vault.azure.net/",
            "currentVersionedKeyIdentifier": "https://kv-prod.vault.azure.net/keys/storage-cmk/0123456789abcdef",
        },
        "identity": {"userAssignedIdentity": arm_id("Microsoft.ManagedIdentity/userAssignedIdentities", "id-st")},
        "services": {"blob": {"enabled": True, "keyType": "Account"}},
    }
    plant(arm, account("defaultkeys", encryption=plain), account("customerkey", encryption=cmk), account("double"))
    rule = "azure.storage.account_encryption_hardened"
    result = scan(arm, rule)
    bad = finding(result, rule, "defaultkeys")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"infrastructure_encryption": False, "encryption_key_source": "Microsoft.Storage"}
    assert "Microsoft.Storage" in bad.message
    good = finding(result, rule, "customerkey")
    assert good.status is Status.PASS
    assert good.evidence == {"infrastructure_encryption": False, "encryption_key_source": "Microsoft.Keyvault"}
    double = finding(result, rule, "double")
    assert double.status is Status.PASS
    assert double.evidence == {"infrastructure_encryption": True, "encryption_key_source": "Microsoft.Storage"}


def test_network_default_deny(arm):
    open_acls = {"defaultAction": "Allow", "bypass": "AzureServices", "ipRules": [], "virtualNetworkRules": []}
    plant(arm, account("open", networkAcls=open_acls), account("firewalled"))
    rule = "azure.storage.account_network_default_deny"
    result = scan(arm, rule)
    bad = finding(result, rule, "open")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"network_default_action": "Allow"}
    good = finding(result, rule, "firewalled")
    assert good.status is Status.PASS
    assert good.evidence == {"network_default_action": "Deny"}


def test_blob_soft_delete(arm):
    premium_files = {
        **account("premiumfiles"),
        "kind": "FileStorage",
        "sku": {"name": "Premium_LRS", "tier": "Premium"},
    }
    plant(arm, account("nosoftdelete"), account("softdelete"), premium_files, blob=False)
    blob_service(arm, "nosoftdelete", soft_delete_days=None)
    blob_service(arm, "softdelete", soft_delete_days=30)
    # premium file share accounts have no blob service: whatever that call answers, the rule skips them
    arm.error(
        blob_service_path("premiumfiles"),
        400,
        "FeatureNotSupportedForAccount",
        "Blob is not supported for the account.",
    )
    rule = "azure.storage.account_blob_soft_delete"
    result = scan(arm, rule)
    bad = finding(result, rule, "nosoftdelete")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"blob_soft_delete_enabled": False, "blob_soft_delete_days": None, "kind": "StorageV2"}
    good = finding(result, rule, "softdelete")
    assert good.status is Status.PASS
    assert good.evidence == {"blob_soft_delete_enabled": True, "blob_soft_delete_days": 30, "kind": "StorageV2"}
    assert "30 days" in good.message
    assert not [f for f in result.findings if f.resource.name == "premiumfiles"]


def test_blob_service_denied_gives_error_not_pass(arm):
    plant(arm, account("locked"), blob=False)
    arm.error(
        blob_service_path("locked"),
        403,
        "AuthorizationFailed",
        DENIED.format(
            action="Microsoft.Storage/storageAccounts/blobServices/read",
            scope=arm_id("Microsoft.Storage/storageAccounts", "locked") + "/blobServices/default",
        ),
    )
    result = scan(arm, "azure.storage.account_blob_soft_delete", "azure.storage.account_https_only")
    error = finding(result, "azure.storage.account_blob_soft_delete", "locked")
    assert error.status is Status.ERROR
    assert error.evidence == {}
    assert "AuthorizationFailed" in error.message
    assert "blob_services.get_service_properties" in error.message
    # the account's other settings came from the listing and are still judged
    assert status_of(result, "azure.storage.account_https_only", "locked") is Status.PASS
    assert exit_code(result, "none") == 3


def test_listing_denied_gives_error_for_every_rule(arm):
    arm.error(
        ACCOUNTS,
        403,
        "AuthorizationFailed",
        DENIED.format(action="Microsoft.Storage/storageAccounts/read", scope=f"/subscriptions/{SUB}"),
    )
    result = scan(arm, *STORAGE_RULES)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.service, error.operation, error.resource_type) == (
        "storage",
        "storage_accounts.list",
        "azure.storage.account",
    )
    assert error.code == "AuthorizationFailed"
    assert {f.rule_id for f in result.findings} == set(STORAGE_RULES)
    assert len(result.findings) == len(STORAGE_RULES)
    for found in result.findings:
        assert found.status is Status.ERROR
        assert found.resource.id == "*"
        assert found.resource.account == SUB
        assert "AuthorizationFailed" in found.message
    assert not [f for f in result.findings if f.status in (Status.PASS, Status.FAIL)]
    assert exit_code(result, "none") == 3
