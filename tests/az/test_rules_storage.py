"""Each Azure storage rule failing and passing, through the real StorageManagementClient."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.az.conftest import RG, SUB, FakeArm, arm_id, finding, scan, status_of

ACCOUNTS = f"/subscriptions/{SUB}/providers/Microsoft.Storage/storageAccounts"


def account(name: str, **properties: Any) -> dict[str, Any]:
    """A storage account as ARM returns it (camelCase properties), secure unless told otherwise."""
    return {
        "id": arm_id("Microsoft.Storage/storageAccounts", name),
        "name": name,
        "type": "Microsoft.Storage/storageAccounts",
        "location": "westeurope",
        "kind": "StorageV2",
        "sku": {"name": "Standard_LRS", "tier": "Standard"},
        "tags": {"env": "prod"},
        "properties": {
            "provisioningState": "Succeeded",
            "supportsHttpsTrafficOnly": True,
            "minimumTlsVersion": "TLS1_2",
            "allowBlobPublicAccess": False,
            "allowSharedKeyAccess": False,
            "encryption": {
                "keySource": "Microsoft.Storage",
                "requireInfrastructureEncryption": True,
                "services": {"blob": {"enabled": True, "keyType": "Account"}},
            },
            "networkAcls": {
                "defaultAction": "Deny",
                "bypass": "AzureServices",
                "ipRules": [],
                "virtualNetworkRules": [],
            },
            **properties,
        },
    }


def blob_service(arm: FakeArm, name: str, soft_delete_days: int | None = 14) -> None:
    policy = {"enabled": soft_delete_days is not None}
    if soft_delete_days is not None:
        policy["days"] = soft_delete_days
    arm.resource(
        f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Storage/storageAccounts/{name}"
        "/blobServices/default",
        {
            "id": arm_id("Microsoft.Storage/storageAccounts", f"{name}/blobServices/default"),
            "name": "default",
            "type": "Microsoft.Storage/storageAccounts/blobServices",
            "properties": {"deleteRetentionPolicy": policy, "isVersioningEnabled": False},
        },
    )


def plant(arm: FakeArm, *accounts: dict[str, Any], page_size: int | None = None) -> None:
    arm.collection(ACCOUNTS, list(accounts), page_size=page_size)
    for entry in accounts:
        blob_service(arm, entry["name"])


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
