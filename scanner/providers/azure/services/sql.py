"""Azure SQL logical servers: firewall, auditing, TDE of their databases, Entra admin, minimum TLS."""

from __future__ import annotations

import ipaddress
from typing import Any

from scanner.providers.azure.arm import arm_resource
from scanner.providers.spec import Call, Detail, Item

_SERVER = {"resource_group_name": "{resource_group}", "server_name": "{name}"}

# A firewall range containing every public unicast IPv4 address (1.0.0.0 - 223.255.255.255) admits
# the whole Internet: 0.0.0.0-255.255.255.255, and near variants such as 0.0.0.1-255.255.255.254.
_INTERNET = (ipaddress.IPv4Address("1.0.0.0"), ipaddress.IPv4Address("223.255.255.255"))
# 0.0.0.0-0.0.0.0 is not an address range: it is the "Allow Azure services and resources to access
# this server" switch, which admits connections from any Azure IP, other customers' resources included.
_AZURE_SERVICES = ("0.0.0.0", "0.0.0.0")


def _ip(value: Any) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(str(value))
    except ValueError:
        return None


def _firewall(rules: Any) -> dict[str, Any]:
    """The rules admitting the whole Internet (as {name, start, end}), and whether Azure services are allowed."""
    open_rules: list[dict[str, Any]] = []
    azure_services = False
    for rule in rules or []:
        if not isinstance(rule, dict):
            continue
        properties = rule.get("properties") or {}
        start, end = properties.get("startIpAddress"), properties.get("endIpAddress")
        if (start, end) == _AZURE_SERVICES:
            azure_services = True
            continue
        low, high = _ip(start), _ip(end)
        if low is not None and high is not None and low <= _INTERNET[0] and high >= _INTERNET[1]:
            open_rules.append({"name": rule.get("name"), "start": start, "end": end})
    return {
        "allow_all_firewall_rules": sorted(open_rules, key=lambda entry: str(entry["name"])),
        "allow_azure_services": azure_services,
    }


def _tls_12_or_higher(version: Any) -> bool:
    """minimalTlsVersion is "1.0" ... "1.3", or "None" (or absent on old servers) for no minimum."""
    try:
        parts = tuple(int(part) for part in str(version).split("."))
    except ValueError:
        return False
    return parts >= (1, 2)


def _entra_admin(properties: dict[str, Any], listed: Any) -> dict[str, Any] | None:
    """The server's Microsoft Entra administrator, from the server properties or the administrators list."""
    candidates = []
    for entry in listed or []:
        if isinstance(entry, dict):
            candidates.append(entry.get("properties") or {})
    if isinstance(properties.get("administrators"), dict):
        candidates.append(properties["administrators"])
    for admin in candidates:
        kind = str(admin.get("administratorType") or "ActiveDirectory")
        if kind.lower() == "activedirectory" and (admin.get("login") or admin.get("sid")):
            return admin
    return None


def _without_tde(databases: Any, states: Any) -> list[str]:
    """User databases whose TDE state is not Enabled (or was not reported)."""
    names = [str(entry.get("name")) for entry in databases or [] if isinstance(entry, dict)]
    answers = list(states or [])
    missing = []
    for index, name in enumerate(names):
        state = answers[index] if index < len(answers) else None
        if str(state or "").lower() != "enabled":
            missing.append(name)
    return sorted(missing)


def _auditing(state: Any) -> dict[str, Any]:
    return {"auditing_enabled": str(state or "").lower() == "enabled", "auditing_state": state or "Disabled"}


def _databases(databases: Any) -> dict[str, Any]:
    return {"user_databases": sorted(str(entry.get("name")) for entry in databases or [] if isinstance(entry, dict))}


def _normalize_server(item: Item) -> dict[str, Any]:
    properties = item.raw.get("properties") or {}
    admin = _entra_admin(properties, item.details.get("administrators"))
    tls = properties.get("minimalTlsVersion") or "None"
    return {
        "public_network_access": properties.get("publicNetworkAccess") or "Enabled",
        "databases_without_tde": _without_tde(item.details.get("databases"), item.details.get("tde")),
        # the administrator may be in the server's properties or only in the administrators list
        "entra_admin": (admin.get("login") or admin.get("sid")) if admin else None,
        "entra_only_authentication": bool(admin and admin.get("azureADOnlyAuthentication") is True),
        "minimal_tls_version": tls,
        "tls_12_or_higher": _tls_12_or_higher(tls),
    }


SERVER = arm_resource(
    type="azure.sql.server",
    service="sql",
    listing=Call("servers.list"),
    details=(
        Detail("firewall_rules", Call("firewall_rules.list_by_server", _SERVER), _firewall),
        Detail(
            "auditing",
            # the SDK fills the policy name, always "default", into the URL
            Call("server_blob_auditing_policies.get", _SERVER, result="properties.state"),
            _auditing,
        ),
        Detail(
            "administrators",
            Call("server_azure_ad_administrators.list_by_server", _SERVER),
            # read together with the server's own properties by _normalize_server
            provides=("entra_admin", "entra_only_authentication"),
        ),
        Detail(
            "databases",
            # master is the server's system database; its encryption is not the customer's to set
            Call(
                "databases.list_by_server",
                _SERVER,
                result="[?name != 'master'].{name: name, resource_group: resource_group}",
            ),
            _databases,
            # the databases the tde detail asks about: read with its answers by _normalize_server
            provides=("databases_without_tde",),
        ),
        Detail(
            "tde",
            Call(
                "transparent_data_encryptions.get",
                {
                    "resource_group_name": "{parent.resource_group}",
                    "server_name": "{parent.name}",
                    "database_name": "{name}",
                    "tde_name": "current",
                },
                result="properties.state",
            ),
            provides=("databases_without_tde",),
            for_each="databases",
        ),
    ),
    normalize=_normalize_server,
)

SPECS = (SERVER,)
