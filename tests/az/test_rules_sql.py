"""Each Azure SQL server rule failing and passing, through the real SqlManagementClient."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.azure import RG, SUB, FakeArm, arm_id, scan
from tests.support.results import finding, status_of

SERVERS = f"/subscriptions/{SUB}/providers/Microsoft.Sql/servers"
TENANT = "11111111-2222-4333-8444-555555555555"
ADMIN_GROUP = "c6b82b90-a647-49cb-8a62-0d2d3cb7ac7c"


def server(name: str, **properties: Any) -> dict[str, Any]:
    """A logical server as servers.list returns it, hardened unless told otherwise."""
    return {
        "id": arm_id("Microsoft.Sql/servers", name),
        "name": name,
        "type": "Microsoft.Sql/servers",
        "location": "westeurope",
        "kind": "v12.0",
        "tags": {"env": "prod"},
        "properties": {
            "administratorLogin": "sqladmin",
            "version": "12.0",
            "state": "Ready",
            "fullyQualifiedDomainName": f"{name}.database.windows.net",
            "privateEndpointConnections": [],
            "minimalTlsVersion": "1.2",
            "publicNetworkAccess": "Enabled",
            "restrictOutboundNetworkAccess": "Disabled",
            **properties,
        },
    }


def _server_path(name: str) -> str:
    return f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Sql/servers/{name}"


def firewall_rule(server_name: str, name: str, start: str, end: str) -> dict[str, Any]:
    return {
        "id": arm_id("Microsoft.Sql/servers", f"{server_name}/firewallRules/{name}"),
        "name": name,
        "type": "Microsoft.Sql/servers/firewallRules",
        "properties": {"startIpAddress": start, "endIpAddress": end},
    }


def auditing(server_name: str, state: str = "Enabled") -> dict[str, Any]:
    return {
        "id": arm_id("Microsoft.Sql/servers", f"{server_name}/auditingSettings/Default"),
        "name": "Default",
        "type": "Microsoft.Sql/servers/auditingSettings",
        "properties": {
            "state": state,
            "retentionDays": 90 if state == "Enabled" else 0,
            "auditActionsAndGroups": [
                "SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP",
                "FAILED_DATABASE_AUTHENTICATION_GROUP",
                "BATCH_COMPLETED_GROUP",
            ],
            "isStorageSecondaryKeyInUse": False,
            "isAzureMonitorTargetEnabled": state == "Enabled",
            "storageAccountSubscriptionId": "00000000-0000-0000-0000-000000000000",
        },
    }


def entra_admin(server_name: str, login: str = "sql-admins") -> dict[str, Any]:
    return {
        "id": arm_id("Microsoft.Sql/servers", f"{server_name}/administrators/ActiveDirectory"),
        "name": "ActiveDirectory",
        "type": "Microsoft.Sql/servers/administrators",
        "properties": {
            "administratorType": "ActiveDirectory",
            "login": login,
            "sid": ADMIN_GROUP,
            "tenantId": TENANT,
            "azureADOnlyAuthentication": True,
        },
    }


def database(server_name: str, name: str) -> dict[str, Any]:
    return {
        "id": arm_id("Microsoft.Sql/servers", f"{server_name}/databases/{name}"),
        "name": name,
        "type": "Microsoft.Sql/servers/databases",
        "location": "westeurope",
        "kind": "v12.0,system" if name == "master" else "v12.0,user,vcore",
        "sku": {"name": "GP_Gen5", "tier": "GeneralPurpose", "family": "Gen5", "capacity": 2},
        "properties": {
            "collation": "SQL_Latin1_General_CP1_CI_AS",
            "maxSizeBytes": 34359738368,
            "status": "Online",
            "databaseId": "6c0d7a9e-3c55-4a5b-8f0e-1d2e3f4a5b6c",
            "creationDate": "2024-03-01T10:00:00Z",
            "currentServiceObjectiveName": "GP_Gen5_2",
            "zoneRedundant": False,
            "readScale": "Disabled",
            "isLedgerOn": False,
            "isInfraEncryptionEnabled": False,
        },
    }


def tde(server_name: str, database_name: str, state: str) -> dict[str, Any]:
    return {
        "id": arm_id(
            "Microsoft.Sql/servers", f"{server_name}/databases/{database_name}/transparentDataEncryption/Current"
        ),
        "name": "Current",
        "type": "Microsoft.Sql/servers/databases/transparentDataEncryption",
        "properties": {"state": state},
    }


def plant(
    arm: FakeArm,
    *servers: dict[str, Any],
    firewall: dict[str, list[dict[str, Any]]] | None = None,
    audit: dict[str, str] | None = None,
    admins: dict[str, list[dict[str, Any]]] | None = None,
    databases: dict[str, dict[str, str]] | None = None,
) -> None:
    """Register each server and its detail calls; ``databases`` maps server -> {user db: TDE state}."""
    arm.collection(SERVERS, list(servers))
    for entry in servers:
        name = entry["name"]
        path = _server_path(name)
        arm.collection(f"{path}/firewallRules", (firewall or {}).get(name, []))
        arm.resource(f"{path}/auditingSettings/default", auditing(name, (audit or {}).get(name, "Enabled")))
        arm.collection(f"{path}/administrators", (admins or {}).get(name, [entra_admin(name)]))
        states = (databases or {}).get(name, {"appdb": "Enabled"})
        arm.collection(f"{path}/databases", [database(name, "master"), *(database(name, db) for db in states)])
        for db, state in states.items():
            arm.resource(f"{path}/databases/{db}/transparentDataEncryption/current", tde(name, db, state))


def test_no_allow_all_firewall(arm):
    plant(
        arm,
        server("wideopen"),
        server("azureonly"),
        server("office"),
        firewall={
            "wideopen": [
                firewall_rule("wideopen", "AllowAll", "0.0.0.0", "255.255.255.255"),
                firewall_rule("wideopen", "office", "203.0.113.0", "203.0.113.255"),
            ],
            "azureonly": [firewall_rule("azureonly", "AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0")],
            "office": [firewall_rule("office", "office", "203.0.113.0", "203.0.113.255")],
        },
    )
    rule = "azure.sql.server_no_allow_all_firewall"
    result = scan(arm, rule)
    bad = finding(result, rule, "wideopen")
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "allow_all_firewall_rules": [{"name": "AllowAll", "start": "0.0.0.0", "end": "255.255.255.255"}],
        "allow_azure_services": False,
        "public_network_access": "Enabled",
    }
    assert bad.resource.region == "westeurope"
    assert bad.resource.id == arm_id("Microsoft.Sql/servers", "wideopen")
    assert bad.resource.tags == {"env": "prod"}
    # "Allow Azure services" (0.0.0.0-0.0.0.0) is reported as evidence but does not fail this rule
    azure = finding(result, rule, "azureonly")
    assert azure.status is Status.PASS
    assert azure.evidence["allow_azure_services"] is True
    assert "Allow Azure services rule present: yes" in azure.message
    assert status_of(result, rule, "office") is Status.PASS


def test_near_total_range_counts_as_allow_all(arm):
    plant(arm, server("almost"), firewall={"almost": [firewall_rule("almost", "wide", "0.0.0.1", "255.255.255.254")]})
    result = scan(arm, "azure.sql.server_no_allow_all_firewall")
    assert status_of(result, "azure.sql.server_no_allow_all_firewall", "almost") is Status.FAIL


def test_auditing_enabled(arm):
    plant(arm, server("silent"), server("audited"), audit={"silent": "Disabled"})
    result = scan(arm, "azure.sql.server_auditing_enabled")
    bad = finding(result, "azure.sql.server_auditing_enabled", "silent")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"auditing_enabled": False, "auditing_state": "Disabled"}
    good = finding(result, "azure.sql.server_auditing_enabled", "audited")
    assert good.status is Status.PASS
    assert good.evidence == {"auditing_enabled": True, "auditing_state": "Enabled"}


def test_tde_enabled(arm):
    plant(
        arm,
        server("mixed"),
        server("encrypted"),
        server("empty"),
        databases={
            "mixed": {"orders": "Enabled", "legacy": "Disabled", "archive": "Disabled"},
            "encrypted": {"orders": "Enabled", "customers": "Enabled"},
            "empty": {},
        },
    )
    rule = "azure.sql.server_tde_enabled"
    result = scan(arm, rule)
    bad = finding(result, rule, "mixed")
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "databases_without_tde": ["archive", "legacy"],
        "user_databases": ["archive", "legacy", "orders"],
    }
    good = finding(result, rule, "encrypted")
    assert good.status is Status.PASS
    assert good.evidence == {"databases_without_tde": [], "user_databases": ["customers", "orders"]}
    # only master: nothing for the customer to encrypt
    assert status_of(result, rule, "empty") is Status.PASS
    # master is never asked about
    assert not any("/databases/master/" in path for path in arm.paths)


def test_tde_unreadable_is_an_error(arm):
    plant(arm, server("locked"), databases={"locked": {"orders": "Enabled"}})
    arm.error(
        f"{_server_path('locked')}/databases/orders/transparentDataEncryption/current",
        403,
        "AuthorizationFailed",
        "The client 'scanner@contoso.com' with object id '99999999-0000-4000-8000-000000000009' does not have "
        "authorization to perform action 'Microsoft.Sql/servers/databases/transparentDataEncryption/read' over "
        f"scope '{_server_path('locked')}/databases/orders/transparentDataEncryption/current' or the scope is "
        "invalid. If access was recently granted, please refresh your credentials.",
    )
    result = scan(arm, "azure.sql.server_tde_enabled", "azure.sql.server_min_tls_12")
    error = finding(result, "azure.sql.server_tde_enabled", "locked")
    assert error.status is Status.ERROR
    assert "transparent_data_encryptions.get failed: AuthorizationFailed" in error.message
    assert error.evidence == {}
    # the server's own properties still decide its other rules
    assert status_of(result, "azure.sql.server_min_tls_12", "locked") is Status.PASS


def test_entra_admin_set(arm):
    plant(arm, server("sqlonly"), server("entra"), admins={"sqlonly": []})
    result = scan(arm, "azure.sql.server_entra_admin_set")
    bad = finding(result, "azure.sql.server_entra_admin_set", "sqlonly")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"entra_admin": None, "entra_only_authentication": False}
    good = finding(result, "azure.sql.server_entra_admin_set", "entra")
    assert good.status is Status.PASS
    assert good.evidence == {"entra_admin": "sql-admins", "entra_only_authentication": True}


def test_entra_admin_from_server_properties(arm):
    embedded = {
        "administratorType": "ActiveDirectory",
        "principalType": "Group",
        "login": "dba-group",
        "sid": ADMIN_GROUP,
        "tenantId": TENANT,
        "azureADOnlyAuthentication": False,
    }
    plant(arm, server("expanded", administrators=embedded), admins={"expanded": []})
    result = scan(arm, "azure.sql.server_entra_admin_set")
    good = finding(result, "azure.sql.server_entra_admin_set", "expanded")
    assert good.status is Status.PASS
    assert good.evidence == {"entra_admin": "dba-group", "entra_only_authentication": False}


def test_min_tls_12(arm):
    plant(
        arm, server("oldtls", minimalTlsVersion="1.0"), server("nominimum", minimalTlsVersion="None"), server("modern")
    )
    rule = "azure.sql.server_min_tls_12"
    result = scan(arm, rule)
    bad = finding(result, rule, "oldtls")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"tls_12_or_higher": False, "minimal_tls_version": "1.0"}
    assert status_of(result, rule, "nominimum") is Status.FAIL
    good = finding(result, rule, "modern")
    assert good.status is Status.PASS
    assert good.evidence == {"tls_12_or_higher": True, "minimal_tls_version": "1.2"}


def test_firewall_unreadable_is_an_error(arm):
    plant(arm, server("guarded"))
    arm.error(
        f"{_server_path('guarded')}/firewallRules",
        403,
        "AuthorizationFailed",
        "The client 'scanner@contoso.com' does not have authorization to perform action "
        "'Microsoft.Sql/servers/firewallRules/read' over scope "
        f"'{_server_path('guarded')}' or the scope is invalid.",
    )
    result = scan(arm, "azure.sql.server_no_allow_all_firewall", "azure.sql.server_auditing_enabled")
    error = finding(result, "azure.sql.server_no_allow_all_firewall", "guarded")
    assert error.status is Status.ERROR
    assert "firewall_rules.list_by_server failed: AuthorizationFailed" in error.message
    assert status_of(result, "azure.sql.server_auditing_enabled", "guarded") is Status.PASS
