"""AWS Backup: is anything backed up in the region, and are the vaults locked and private?

``aws.backup.region_settings`` is one resource per scanned region: ``ListBackupPlans``,
then ``ListBackupSelections`` per plan. A plan without a resource selection backs up
nothing, so the region counts as covered only with a plan that has a selection.

``ListBackupVaults`` already says whether Vault Lock applies (``Locked``), so a vault
costs one more call only: ``GetBackupVaultAccessPolicy``, whose
``ResourceNotFoundException`` means the vault has no access policy.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.aws import policy
from scanner.providers.spec import Call, Detail, Item, ResourceSpec, singleton

_PLANS_AND_SELECTIONS = ("plans", "plans_with_selection")


def _plan_count(plans: Any) -> dict[str, Any]:
    return {"plan_count": sum(1 for plan in plans or [] if isinstance(plan, dict))}


def _selection_count(selections: Any) -> dict[str, Any]:
    return {"selection_count": sum(len(found or []) for found in selections or [])}


def _normalize_region(item: Item) -> dict[str, Any]:
    plans = [plan for plan in item.details.get("plans") or [] if isinstance(plan, dict)]
    # one answer per plan, in plan order (the for_each detail)
    selections = item.details.get("selections") or []
    summary = []
    for index, plan in enumerate(plans):
        found = selections[index] if index < len(selections) else None
        summary.append(
            {
                "name": plan.get("BackupPlanName"),
                "id": plan.get("BackupPlanId"),
                "selections": sorted(
                    str(entry.get("SelectionName")) for entry in found or [] if isinstance(entry, dict)
                ),
            }
        )
    return {
        "plans": summary,
        "plans_with_selection": sorted(str(plan["name"]) for plan in summary if plan["selections"]),
    }


REGION_SETTINGS = singleton(
    type="aws.backup.region_settings",
    service="backup",
    id="{region}",
    name="AWS Backup in {region}",
    scope="regional",
    details=(
        Detail(
            "plans",
            Call("list_backup_plans", result="BackupPlansList"),
            _plan_count,
            # the selections are listed per plan: no plans listed, nothing to count
            provides=(*_PLANS_AND_SELECTIONS, "selection_count"),
        ),
        Detail(
            "selections",
            Call("list_backup_selections", {"BackupPlanId": "{@}"}, result="BackupSelectionsList"),
            _selection_count,
            provides=_PLANS_AND_SELECTIONS,
            for_each="plans[].BackupPlanId",
        ),
    ),
    normalize=_normalize_region,
)


def _access_policy(document: Any) -> dict[str, Any]:
    return {"public_policy_statements": policy.public_allow_statements(document), "has_policy": document is not None}


VAULT = ResourceSpec(
    type="aws.backup.vault",
    service="backup",
    scope="regional",
    listing=Call("list_backup_vaults", result="BackupVaultList"),
    id="{BackupVaultName}",
    name="{BackupVaultName}",
    arn="{BackupVaultArn}",
    details=(
        Detail(
            "access_policy",
            Call(
                "get_backup_vault_access_policy",
                {"BackupVaultName": "{BackupVaultName}"},
                result="Policy",
                absent=("ResourceNotFoundException",),
            ),
            _access_policy,
        ),
    ),
    normalize=lambda item: {
        "locked": bool(item.raw.get("Locked", False)),
        "min_retention_days": item.raw.get("MinRetentionDays"),
        # set for compliance mode: after this date the lock can no longer be removed
        "lock_date": str(item.raw["LockDate"]) if item.raw.get("LockDate") else None,
        "vault_type": item.raw.get("VaultType"),
    },
)

SPECS = (REGION_SETTINGS, VAULT)
