"""Azure Monitor: is the subscription's Activity Log exported somewhere it is kept?"""

from __future__ import annotations

from typing import Any

from scanner.providers.azure.arm import subscription_settings
from scanner.providers.spec import Call, Detail

# Activity Log categories that record control-plane writes and Defender for Cloud alerts.
REQUIRED_CATEGORIES = ("Administrative", "Security")

# properties key of a diagnostic setting -> the kind of destination it names
_DESTINATIONS = (
    ("storageAccountId", "storage account"),
    ("workspaceId", "Log Analytics workspace"),
    ("eventHubAuthorizationRuleId", "event hub"),
    ("marketplacePartnerId", "partner solution"),
)


def _setting(raw: dict[str, Any]) -> dict[str, Any]:
    """One subscription diagnostic setting: its name, destinations and the categories it exports."""
    properties = raw.get("properties") or {}
    logs = [log for log in properties.get("logs") or [] if isinstance(log, dict) and log.get("enabled") is True]
    categories = {str(log["category"]) for log in logs if log.get("category")}
    # the "allLogs" category group covers every Activity Log category, present and future
    if any(str(log.get("categoryGroup") or "").lower() == "alllogs" for log in logs):
        categories.add("allLogs")
    return {
        "name": raw.get("name"),
        "destinations": [label for key, label in _DESTINATIONS if properties.get(key)],
        "categories": sorted(categories),
    }


def _exports_required(setting: dict[str, Any]) -> bool:
    if not setting["destinations"]:
        return False
    categories = set(setting["categories"])
    return "allLogs" in categories or set(REQUIRED_CATEGORIES) <= categories


def _diagnostic_settings(listed: Any) -> dict[str, Any]:
    settings = [_setting(raw) for raw in listed or [] if isinstance(raw, dict)]
    return {
        "diagnostic_settings": settings,
        "activity_log_exported": any(_exports_required(setting) for setting in settings),
    }


SUBSCRIPTION = subscription_settings(
    type="azure.monitor.subscription",
    service="monitor",
    details=(
        Detail(
            "diagnostic_settings",
            # the subscription id comes from the client (URL /subscriptions/{id}/providers/Microsoft.Insights/...)
            Call("subscription_diagnostic_settings.list"),
            _diagnostic_settings,
        ),
    ),
)

SPECS = (SUBSCRIPTION,)
