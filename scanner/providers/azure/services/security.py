"""Microsoft Defender for Cloud: which workload protection plans are on the paid (Standard) tier."""

from __future__ import annotations

from typing import Any

from scanner.providers.azure.arm import subscription_settings
from scanner.providers.spec import Call, Detail

# The plans that protect the workloads most subscriptions run: servers, SQL, storage, Key Vault,
# the Resource Manager control plane, App Service and containers (AKS, registries). Deprecated
# plans they replaced (KubernetesService, ContainerRegistry) are left out.
KEY_PLANS = ("VirtualMachines", "SqlServers", "StorageAccounts", "KeyVaults", "Arm", "AppServices", "Containers")


def _pricings(listed: Any) -> dict[str, Any]:
    tiers: dict[str, str] = {}
    deprecated: set[str] = set()
    for pricing in listed or []:
        if not isinstance(pricing, dict) or not pricing.get("name"):
            continue
        properties = pricing.get("properties") or {}
        tiers[str(pricing["name"])] = str(properties.get("pricingTier") or "Free")
        if properties.get("deprecated") is True:
            deprecated.add(str(pricing["name"]))
    offered = [plan for plan in KEY_PLANS if plan in tiers and plan not in deprecated]
    return {
        "plans_on_free": sorted(name for name, tier in tiers.items() if tier.lower() != "standard"),
        "key_plans_on_free": [plan for plan in offered if tiers[plan].lower() != "standard"],
        "key_plans_on_standard": [plan for plan in offered if tiers[plan].lower() == "standard"],
        # a plan this cloud does not offer (or that was retired) cannot be turned on
        "key_plans_not_offered": [plan for plan in KEY_PLANS if plan not in offered],
    }


SUBSCRIPTION = subscription_settings(
    type="azure.security.subscription",
    service="security",
    details=(
        Detail(
            "pricings",
            # GET /subscriptions/{id}/providers/Microsoft.Security/pricings answers one PricingList
            Call("pricings.list", {"scope_id": "subscriptions/{account}"}, result="value"),
            _pricings,
        ),
    ),
)

SPECS = (SUBSCRIPTION,)
