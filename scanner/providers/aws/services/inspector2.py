"""Amazon Inspector: is scanning of EC2, ECR and Lambda active in each region?

One ``aws.inspector2.region_settings`` resource per scanned region (a
singleton, id = the region), from one ``BatchGetAccountStatus`` call for the
scanned account. An account that never turned Inspector on is still answered,
with every status ``DISABLED``; an account Inspector could not report on comes
back under ``failedAccounts`` with the same status fields, which are read alike.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, singleton

# How the scan types are named in the answer, and in our findings.
_SCAN_TYPES = {"ec2": "EC2", "ecr": "ECR", "lambda": "Lambda"}


def _account_status(answer: dict[str, Any] | None) -> dict[str, Any]:
    answer = answer if isinstance(answer, dict) else {}
    entries = [entry for entry in answer.get("accounts") or [] if isinstance(entry, dict)]
    if entries:
        state = (entries[0].get("state") or {}).get("status")
        resources = {key: (value or {}).get("status") for key, value in (entries[0].get("resourceState") or {}).items()}
    else:
        failed = [entry for entry in answer.get("failedAccounts") or [] if isinstance(entry, dict)]
        first = failed[0] if failed else {}
        state = first.get("status")
        resources = dict(first.get("resourceStatus") or {})
    scans = {label: resources.get(key) or "DISABLED" for key, label in _SCAN_TYPES.items()}
    return {
        "inspector_status": state or "DISABLED",
        "scan_status": scans,
        "inactive_scan_types": [label for label, status in scans.items() if status != "ENABLED"],
    }


REGION_SETTINGS = singleton(
    type="aws.inspector2.region_settings",
    service="inspector2",
    id="{region}",
    name="Amazon Inspector in {region}",
    scope="regional",
    details=(
        Detail("account_status", Call("batch_get_account_status", {"accountIds": ["{account}"]}), _account_status),
    ),
)

SPECS = (REGION_SETTINGS,)
