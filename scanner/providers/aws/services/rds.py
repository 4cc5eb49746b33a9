"""RDS: DB instances (encryption, exposure, backups, deletion protection) and manual DB snapshots.

Backup retention and deletion protection of an Aurora (or other cluster-engine)
instance are settings of its DB cluster, not of the instance, so they are read
from the region's ``DescribeDBClusters`` for cluster members.

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
            ("backup_retention_days", "deletion_protection"),
        ),
    ),
    normalize=_normalize_instance,
    tags=tag_list("TagList"),
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

SPECS = (INSTANCE, SNAPSHOT)
