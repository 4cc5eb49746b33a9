"""The Defender for Cloud plans rule failing, passing and erroring, through the real SecurityCenter client."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.azure import SUB, scan
from tests.support.results import finding

RULE = "azure.security.defender_plans_enabled"
PRICINGS = f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings"
SUBSCRIPTION = f"subscription {SUB}"
KEY_PLANS = ["VirtualMachines", "SqlServers", "StorageAccounts", "KeyVaults", "Arm", "AppServices", "Containers"]


def pricing(name: str, tier: str, **properties: Any) -> dict[str, Any]:
    """One Defender plan as GET .../providers/Microsoft.Security/pricings returns it (2024-01-01)."""
    body: dict[str, Any] = {"pricingTier": tier, "freeTrialRemainingTime": "PT0S"}
    if tier == "Standard":
        body["enablementTime"] = "2024-03-01T10:00:00.0000000Z"
    body.update(properties)
    return {
        "id": f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings/{name}",
        "name": name,
        "type": "Microsoft.Security/pricings",
        "properties": body,
    }


def plant(arm, tiers: dict[str, str], *extra: dict[str, Any]) -> None:
    plans = [pricing(name, tier) for name, tier in tiers.items()]
    arm.resource(PRICINGS, {"value": plans + list(extra)})


def test_key_plan_on_free_fails(arm):
    tiers = dict.fromkeys(KEY_PLANS, "Standard")
    tiers.update({"StorageAccounts": "Free", "KeyVaults": "Free", "CosmosDbs": "Free"})
    plant(arm, tiers)
    result = scan(arm, RULE)
    bad = finding(result, RULE, SUBSCRIPTION)
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "key_plans_on_free": ["StorageAccounts", "KeyVaults"],
        "key_plans_on_standard": ["VirtualMachines", "SqlServers", "Arm", "AppServices", "Containers"],
        "key_plans_not_offered": [],
        "plans_on_free": ["CosmosDbs", "KeyVaults", "StorageAccounts"],
    }
    assert bad.resource.id == f"/subscriptions/{SUB}"
    assert "StorageAccounts, KeyVaults" in bad.message


def test_all_key_plans_on_standard_pass(arm):
    plant(
        arm,
        {**dict.fromkeys(KEY_PLANS, "Standard"), "CosmosDbs": "Free", "Api": "Free"},
        # a retired plan left on Free is not held against the subscription
        pricing("KubernetesService", "Free", deprecated=True, replacedBy=["Containers"]),
    )
    result = scan(arm, RULE)
    good = finding(result, RULE, SUBSCRIPTION)
    assert good.status is Status.PASS
    assert good.evidence["key_plans_on_free"] == []
    assert good.evidence["key_plans_on_standard"] == KEY_PLANS
    assert good.evidence["plans_on_free"] == ["Api", "CosmosDbs", "KubernetesService"]


def test_plans_the_cloud_does_not_offer_are_not_required(arm):
    tiers = dict.fromkeys(KEY_PLANS, "Standard")
    del tiers["Containers"]
    plant(arm, tiers)
    result = scan(arm, RULE)
    good = finding(result, RULE, SUBSCRIPTION)
    assert good.status is Status.PASS
    assert good.evidence["key_plans_not_offered"] == ["Containers"]


def test_no_plans_listed_fails(arm):
    arm.resource(PRICINGS, {"value": []})
    result = scan(arm, RULE)
    assert finding(result, RULE, SUBSCRIPTION).status is Status.FAIL


def test_denied_pricings_read_is_an_error(arm):
    arm.error(
        PRICINGS,
        403,
        "AuthorizationFailed",
        f"The client 'scanner' with object id 'x' does not have authorization to perform action "
        f"'Microsoft.Security/pricings/read' over scope '/subscriptions/{SUB}'.",
    )
    result = scan(arm, RULE)
    error = finding(result, RULE, SUBSCRIPTION)
    assert error.status is Status.ERROR
    assert error.evidence == {}
    assert "AuthorizationFailed" in error.message
    assert "Microsoft.Security/pricings/read" in error.message
