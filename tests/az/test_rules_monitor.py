"""The Activity Log export rule failing, passing and erroring, through the real MonitorManagementClient."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.azure import SUB, arm_id, scan
from tests.support.results import finding

RULE = "azure.monitor.activity_log_exported"
SETTINGS = f"/subscriptions/{SUB}/providers/Microsoft.Insights/diagnosticSettings"
SUBSCRIPTION = f"subscription {SUB}"
WORKSPACE = arm_id("Microsoft.OperationalInsights/workspaces", "law-audit", resource_group="rg-logging")
STORAGE = arm_id("Microsoft.Storage/storageAccounts", "stauditlogs", resource_group="rg-logging")


def setting(name: str, categories: list[str], groups: list[str] = (), **destinations: Any) -> dict[str, Any]:
    """A subscription diagnostic setting as ARM returns it (2021-05-01-preview)."""
    logs = [{"category": category, "enabled": True} for category in categories]
    logs += [
        {"category": category, "enabled": False} for category in ("Alert", "Autoscale") if category not in categories
    ]
    logs += [{"categoryGroup": group, "enabled": True} for group in groups]
    return {
        "id": f"/subscriptions/{SUB}/providers/microsoft.insights/diagnosticSettings/{name}",
        "name": name,
        "type": "Microsoft.Insights/diagnosticSettings",
        "properties": {
            "storageAccountId": None,
            "serviceBusRuleId": None,
            "workspaceId": None,
            "eventHubAuthorizationRuleId": None,
            "eventHubName": None,
            "marketplacePartnerId": None,
            **destinations,
            "logs": logs,
        },
    }


def test_activity_log_not_exported_when_security_category_is_missing(arm):
    arm.collection(SETTINGS, [setting("to-workspace", ["Administrative", "Policy"], workspaceId=WORKSPACE)])
    result = scan(arm, RULE)
    bad = finding(result, RULE, SUBSCRIPTION)
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "activity_log_exported": False,
        "diagnostic_settings": [
            {
                "name": "to-workspace",
                "destinations": ["Log Analytics workspace"],
                "categories": ["Administrative", "Policy"],
            }
        ],
    }
    assert bad.resource.id == f"/subscriptions/{SUB}"
    assert bad.resource.region == "global"
    assert "to-workspace" in bad.message


def test_activity_log_not_exported_without_any_setting(arm):
    arm.collection(SETTINGS, [])
    result = scan(arm, RULE)
    bad = finding(result, RULE, SUBSCRIPTION)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"activity_log_exported": False, "diagnostic_settings": []}


def test_activity_log_exported_with_administrative_and_security(arm):
    arm.collection(
        SETTINGS,
        [
            setting("partial", ["Administrative"], workspaceId=WORKSPACE),
            setting("to-storage", ["Administrative", "Security", "Policy"], storageAccountId=STORAGE),
        ],
    )
    result = scan(arm, RULE)
    good = finding(result, RULE, SUBSCRIPTION)
    assert good.status is Status.PASS
    assert good.evidence["activity_log_exported"] is True
    assert [entry["name"] for entry in good.evidence["diagnostic_settings"]] == ["partial", "to-storage"]
    assert good.evidence["diagnostic_settings"][1]["destinations"] == ["storage account"]


def test_all_logs_category_group_counts_as_every_category(arm):
    arm.collection(SETTINGS, [setting("all-logs", [], groups=["allLogs"], workspaceId=WORKSPACE)])
    result = scan(arm, RULE)
    good = finding(result, RULE, SUBSCRIPTION)
    assert good.status is Status.PASS
    assert good.evidence["diagnostic_settings"][0]["categories"] == ["allLogs"]


def test_denied_diagnostic_settings_read_is_an_error(arm):
    arm.error(
        SETTINGS,
        403,
        "AuthorizationFailed",
        f"The client 'scanner' with object id 'x' does not have authorization to perform action "
        f"'microsoft.insights/diagnosticSettings/read' over scope '/subscriptions/{SUB}'.",
    )
    result = scan(arm, RULE)
    error = finding(result, RULE, SUBSCRIPTION)
    assert error.status is Status.ERROR
    assert error.evidence == {}
    assert "AuthorizationFailed" in error.message
    assert "microsoft.insights/diagnosticSettings/read" in error.message
