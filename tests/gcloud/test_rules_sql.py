"""Each Cloud SQL rule failing and passing, through the real discovery-based sqladmin v1beta4 client."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.gcp import PROJECT, FakeGcp, scan
from tests.support.results import finding, status_of

INSTANCES = f"/sql/v1beta4/projects/{PROJECT}/instances"
ALL_RULES = (
    "gcp.sql.instance_no_public_any_network",
    "gcp.sql.instance_ssl_required",
    "gcp.sql.instance_automated_backups",
)


def instance(
    name: str,
    ip: dict[str, Any] | None = None,
    backups: bool = True,
    instance_type: str = "CLOUD_SQL_INSTANCE",
    region: str = "europe-west1",
) -> dict[str, Any]:
    """An instance as instances.list returns it (public IP, SSL optional, backups as given)."""
    ip_configuration = {"ipv4Enabled": True, "authorizedNetworks": [], "requireSsl": False, **(ip or {})}
    return {
        "kind": "sql#instance",
        "state": "RUNNABLE",
        "databaseVersion": "POSTGRES_15",
        "settings": {
            "authorizedGaeApplications": [],
            "tier": "db-custom-2-7680",
            "kind": "sql#settings",
            "availabilityType": "ZONAL",
            "pricingPlan": "PER_USE",
            "replicationType": "SYNCHRONOUS",
            "activationPolicy": "ALWAYS",
            "ipConfiguration": ip_configuration,
            "locationPreference": {"zone": f"{region}-b", "kind": "sql#locationPreference"},
            "dataDiskType": "PD_SSD",
            "backupConfiguration": {
                "startTime": "03:00",
                "kind": "sql#backupConfiguration",
                "location": "eu",
                "backupRetentionSettings": {"retentionUnit": "COUNT", "retainedBackups": 7},
                "enabled": backups,
                "pointInTimeRecoveryEnabled": backups,
                "transactionLogRetentionDays": 7,
            },
            "settingsVersion": "4",
            "storageAutoResizeLimit": "0",
            "storageAutoResize": True,
            "dataDiskSizeGb": "10",
        },
        "etag": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "ipAddresses": [{"type": "PRIMARY", "ipAddress": "34.76.10.20"}],
        "instanceType": instance_type,
        "project": PROJECT,
        "serviceAccountEmailAddress": "p123456789012-abcd12@gcp-sa-cloud-sql.iam.gserviceaccount.com",
        "backendType": "SECOND_GEN",
        "selfLink": f"https://sqladmin.googleapis.com/sql/v1beta4/projects/{PROJECT}/instances/{name}",
        "connectionName": f"{PROJECT}:{region}:{name}",
        "name": name,
        "region": region,
        "gceZone": f"{region}-b",
        "databaseInstalledVersion": "POSTGRES_15_7",
        "createTime": "2026-01-12T08:15:00.123Z",
    }


def anywhere(name: str = "anywhere") -> dict[str, Any]:
    return {"value": "0.0.0.0/0", "name": name, "kind": "sql#aclEntry"}


def office() -> dict[str, Any]:
    return {"value": "203.0.113.0/24", "name": "office", "kind": "sql#aclEntry"}


def test_sql_rules(gcp: FakeGcp):
    gcp.collection(
        INSTANCES,
        "items",
        [
            instance("orders-db", ip={"authorizedNetworks": [office(), anywhere()]}, backups=False),
            instance("billing-db", ip={"authorizedNetworks": [office()], "sslMode": "ENCRYPTED_ONLY"}),
            instance("legacy-ssl-db", ip={"requireSsl": True}, region="us-central1"),
            instance(
                "private-db",
                ip={
                    "ipv4Enabled": False,
                    "authorizedNetworks": [anywhere()],
                    "sslMode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
                },
            ),
            instance("orders-db-replica", instance_type="READ_REPLICA_INSTANCE", backups=False),
        ],
        page_size=2,
    )
    result = scan(gcp, *ALL_RULES)
    assert not result.errors

    rule = "gcp.sql.instance_no_public_any_network"
    bad = finding(result, rule, "orders-db")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"open_to_any_network": ["anywhere: 0.0.0.0/0"], "public_ip_enabled": True}
    assert bad.resource.region == "europe-west1" and bad.resource.account == PROJECT
    good = finding(result, rule, "billing-db")
    assert good.status is Status.PASS
    assert good.evidence == {"open_to_any_network": [], "public_ip_enabled": True}
    # 0.0.0.0/0 authorized but no public IP: nothing reachable from the Internet
    assert status_of(result, rule, "private-db") is Status.PASS

    rule = "gcp.sql.instance_ssl_required"
    bad = finding(result, rule, "orders-db")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"ssl_enforced": False, "ssl_mode": None, "require_ssl": False}
    good = finding(result, rule, "billing-db")
    assert good.status is Status.PASS
    assert good.evidence == {"ssl_enforced": True, "ssl_mode": "ENCRYPTED_ONLY", "require_ssl": False}
    assert status_of(result, rule, "legacy-ssl-db") is Status.PASS
    assert status_of(result, rule, "private-db") is Status.FAIL

    rule = "gcp.sql.instance_automated_backups"
    bad = finding(result, rule, "orders-db")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"backups_enabled": False, "instance_type": "CLOUD_SQL_INSTANCE"}
    good = finding(result, rule, "billing-db")
    assert good.status is Status.PASS and good.evidence["backups_enabled"] is True
    assert not [f for f in result.findings if f.rule_id == rule and f.resource.name == "orders-db-replica"]
    assert gcp.count(INSTANCES) == 3, "every page was read"


def test_no_instances_means_no_findings(gcp: FakeGcp):
    gcp.resource(INSTANCES, {"kind": "sql#instancesList"})
    result = scan(gcp, *ALL_RULES)
    assert not result.findings and not result.errors


def test_sql_admin_api_disabled_is_an_error(gcp: FakeGcp):
    gcp.error(
        INSTANCES,
        403,
        "PERMISSION_DENIED",
        f"Cloud SQL Admin API has not been used in project {PROJECT} before or it is disabled.",
        reason="SERVICE_DISABLED",
    )
    result = scan(gcp, *ALL_RULES)
    (error,) = result.errors
    assert error.code == "SERVICE_DISABLED"
    assert sorted(f.rule_id for f in result.findings) == sorted(ALL_RULES)
    assert {f.status for f in result.findings} == {Status.ERROR}
