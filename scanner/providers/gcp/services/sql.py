"""Cloud SQL: instances from the Cloud SQL Admin API (discovery client, v1beta4).

The instance list already carries the settings the rules read (IP configuration,
SSL mode, backup configuration), so no per-instance call is needed.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from scanner.providers.gcp.resources import self_linked
from scanner.providers.spec import Call, Item

ENFORCED_SSL_MODES = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")


def _is_any_network(value: Any) -> bool:
    try:
        return ipaddress.ip_network(str(value), strict=False).prefixlen == 0
    except ValueError:
        return False


def ssl_enforced(ip_config: dict[str, Any]) -> bool:
    """Whether the instance refuses unencrypted connections.

    ``sslMode`` supersedes the older ``requireSsl`` flag when present (the API
    keeps the two consistent: ``requireSsl`` true goes with client certificates).
    """
    mode = ip_config.get("sslMode")
    if mode:
        return mode in ENFORCED_SSL_MODES
    return bool(ip_config.get("requireSsl", False))


def _normalize_instance(item: Item) -> dict[str, Any]:
    raw = item.raw
    settings = raw.get("settings") or {}
    ip_config = settings.get("ipConfiguration") or {}
    backups = settings.get("backupConfiguration") or {}
    ipv4 = bool(ip_config.get("ipv4Enabled", False))
    networks = ip_config.get("authorizedNetworks") or []
    open_networks = [
        f"{network.get('name') or 'unnamed'}: {network.get('value')}"
        for network in networks
        if _is_any_network(network.get("value"))
    ]
    return {
        "region": raw.get("region"),
        "database_version": raw.get("databaseVersion"),
        "instance_type": raw.get("instanceType") or "CLOUD_SQL_INSTANCE",
        "state": raw.get("state"),
        "public_ip_enabled": ipv4,
        "authorized_networks": [str(network.get("value")) for network in networks],
        # an authorized network only admits clients while the instance has a public IPv4 address
        "open_to_any_network": open_networks if ipv4 else [],
        "require_ssl": bool(ip_config.get("requireSsl", False)),
        "ssl_mode": ip_config.get("sslMode"),
        "ssl_enforced": ssl_enforced(ip_config),
        "backups_enabled": bool(backups.get("enabled", False)),
    }


INSTANCE = self_linked(
    type="gcp.sql.instance",
    service="sqladmin",
    listing=Call("instances.list", {"project": "{account}"}, result="items"),
    normalize=_normalize_instance,
    region_field="region",
)

SPECS = (INSTANCE,)
