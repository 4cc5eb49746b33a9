"""RDS: DB instances, DB clusters, DB parameter groups (TLS) and manual DB snapshots.

Backup retention, deletion protection and Multi-AZ of an Aurora (or other
cluster-engine) instance are settings of its DB cluster, not of the instance, so
they are read from the region's ``DescribeDBClusters`` for cluster members.

DB clusters come from ``DescribeDBClusters``; whether an Aurora cluster is
reachable from the Internet is a property of its member instances, read from the
region's ``DescribeDBInstances`` (a Multi-AZ DB cluster also says it itself).

Whether connections must use TLS is a parameter of the DB parameter group
(``rds.force_ssl`` for PostgreSQL and SQL Server, ``require_secure_transport``
for MySQL and MariaDB). Its value is read with ``DescribeDBParameters`` once per
parameter group of the region, never per instance; the instances using each
group come from the region's ``DescribeDBInstances``. Aurora keeps these
settings in DB cluster parameter groups and Oracle in option groups, which this
module does not read: their groups get no TLS parameter and the rule skips them.

Only manual snapshots are listed (``SnapshotType=manual``): automated snapshots
cannot be shared, so they can never be public. The master password is never
returned by the API, and the scanner keeps neither the master user name nor the
endpoint.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, Item, Lookup, ResourceSpec, tag_list

MIN_BACKUP_RETENTION_DAYS = 7


def _clusters_by_id(clusters: Any) -> dict[str, dict[str, Any]]:
    return {
        cluster["DBClusterIdentifier"]: cluster
        for cluster in clusters or []
        if isinstance(cluster, dict) and "DBClusterIdentifier" in cluster
    }


def _normalize_instance(item: Item) -> dict[str, Any]:
    raw = item.raw
    cluster_id = raw.get("DBClusterIdentifier")
    cluster = _clusters_by_id(item.lookups.get("clusters")).get(cluster_id) if cluster_id else None
    settings = cluster if cluster is not None else raw
    return {
        "engine": raw.get("Engine"),
        "cluster_id": cluster_id,
        "storage_encrypted": bool(raw.get("StorageEncrypted", False)),
        "kms_key_id": raw.get("KmsKeyId"),
        "publicly_accessible": bool(raw.get("PubliclyAccessible", False)),
        "backup_retention_days": int(settings.get("BackupRetentionPeriod") or 0),
        "deletion_protection": bool(settings.get("DeletionProtection", False)),
        "multi_az": bool(settings.get("MultiAZ", False)),
        "auto_minor_version_upgrade": bool(raw.get("AutoMinorVersionUpgrade", False)),
    }


INSTANCE = ResourceSpec(
    type="aws.rds.instance",
    service="rds",
    scope="regional",
    listing=Call("describe_db_instances", result="DBInstances"),
    id="{DBInstanceIdentifier}",
    name="{DBInstanceIdentifier}",
    arn="{DBInstanceArn}",
    lookups=(
        Lookup(
            "clusters",
            Call("describe_db_clusters", result="DBClusters"),
            ("backup_retention_days", "deletion_protection", "multi_az"),
        ),
    ),
    normalize=_normalize_instance,
    tags=tag_list("TagList"),
)


def _instances(instances: Any) -> list[dict[str, Any]]:
    return [instance for instance in instances or [] if isinstance(instance, dict)]


def _normalize_cluster(item: Item) -> dict[str, Any]:
    raw = item.raw
    members = sorted(
        str(member["DBInstanceIdentifier"])
        for member in raw.get("DBClusterMembers") or []
        if isinstance(member, dict) and "DBInstanceIdentifier" in member
    )
    public_members = sorted(
        str(instance.get("DBInstanceIdentifier"))
        for instance in _instances(item.lookups.get("instances"))
        if instance.get("DBClusterIdentifier") == raw.get("DBClusterIdentifier") and instance.get("PubliclyAccessible")
    )
    return {
        "engine": raw.get("Engine"),
        "members": members,
        "storage_encrypted": bool(raw.get("StorageEncrypted", False)),
        "kms_key_id": raw.get("KmsKeyId"),
        "backup_retention_days": int(raw.get("BackupRetentionPeriod") or 0),
        "deletion_protection": bool(raw.get("DeletionProtection", False)),
        "public_members": public_members,
        "publicly_accessible": bool(raw.get("PubliclyAccessible", False)) or bool(public_members),
    }


CLUSTER = ResourceSpec(
    type="aws.rds.cluster",
    service="rds",
    scope="regional",
    listing=Call("describe_db_clusters", result="DBClusters"),
    id="{DBClusterIdentifier}",
    name="{DBClusterIdentifier}",
    arn="{DBClusterArn}",
    lookups=(
        Lookup(
            "instances",
            Call("describe_db_instances", result="DBInstances"),
            ("public_members", "publicly_accessible"),
        ),
    ),
    normalize=_normalize_cluster,
    tags=tag_list("TagList"),
)

# Family prefix -> the parameter that makes the engine refuse connections without TLS.
_TLS_PARAMETERS = (
    ("postgres", "rds.force_ssl"),
    ("sqlserver", "rds.force_ssl"),
    ("mysql", "require_secure_transport"),
    ("mariadb", "require_secure_transport"),
)
_TLS_ON = frozenset({"1", "on", "true"})


def tls_parameter(family: Any) -> str | None:
    """The TLS parameter of a parameter group family; None where the group holds none (Aurora, Oracle, Db2)."""
    family = str(family or "").lower()
    return next((parameter for prefix, parameter in _TLS_PARAMETERS if family.startswith(prefix)), None)


def _normalize_parameter_group(item: Item) -> dict[str, Any]:
    raw = item.raw
    name = raw.get("DBParameterGroupName")
    parameter = tls_parameter(raw.get("DBParameterGroupFamily"))
    parameters = item.details.get("parameters")
    value = None
    if parameter is not None:
        value = next(
            (
                entry.get("ParameterValue")
                for entry in parameters or []
                if isinstance(entry, dict) and entry.get("ParameterName") == parameter
            ),
            None,
        )
    used_by = sorted(
        str(instance.get("DBInstanceIdentifier"))
        for instance in _instances(item.lookups.get("instances"))
        if any(group.get("DBParameterGroupName") == name for group in instance.get("DBParameterGroups") or [])
    )
    return {
        "family": raw.get("DBParameterGroupFamily"),
        "tls_parameter": parameter,
        "tls_parameter_value": value,
        "tls_enforced": str(value).strip().lower() in _TLS_ON if value is not None else False,
        "used_by_instances": used_by,
    }


PARAMETER_GROUP = ResourceSpec(
    type="aws.rds.parameter_group",
    service="rds",
    scope="regional",
    listing=Call("describe_db_parameter_groups", result="DBParameterGroups"),
    id="{DBParameterGroupName}",
    name="{DBParameterGroupName}",
    arn="{DBParameterGroupArn}",
    lookups=(Lookup("instances", Call("describe_db_instances", result="DBInstances"), ("used_by_instances",)),),
    details=(
        # Once per parameter group (every page of it): the rule reads one parameter of it.
        Detail(
            "parameters",
            Call("describe_db_parameters", {"DBParameterGroupName": "{DBParameterGroupName}"}, result="Parameters"),
            provides=("tls_parameter_value", "tls_enforced"),
        ),
    ),
    normalize=_normalize_parameter_group,
)


def _snapshot_attributes(attributes: dict[str, Any] | None) -> dict[str, Any]:
    restore: list[str] = []
    for attribute in (attributes or {}).get("DBSnapshotAttributes") or []:
        if attribute.get("AttributeName") == "restore":
            restore.extend(str(value) for value in attribute.get("AttributeValues") or [])
    return {
        "public": "all" in restore,
        "shared_with_accounts": sorted(value for value in restore if value != "all"),
    }


SNAPSHOT = ResourceSpec(
    type="aws.rds.snapshot",
    service="rds",
    scope="regional",
    listing=Call("describe_db_snapshots", {"SnapshotType": "manual"}, result="DBSnapshots"),
    id="{DBSnapshotIdentifier}",
    name="{DBSnapshotIdentifier}",
    arn="{DBSnapshotArn}",
    details=(
        Detail(
            "attributes",
            Call(
                "describe_db_snapshot_attributes",
                {"DBSnapshotIdentifier": "{DBSnapshotIdentifier}"},
                result="DBSnapshotAttributesResult",
            ),
            _snapshot_attributes,
        ),
    ),
    normalize=lambda item: {
        "snapshot_type": item.raw.get("SnapshotType"),
        "db_instance_id": item.raw.get("DBInstanceIdentifier"),
        "encrypted": bool(item.raw.get("Encrypted", False)),
    },
    tags=tag_list("TagList"),
)

SPECS = (INSTANCE, CLUSTER, PARAMETER_GROUP, SNAPSHOT)
