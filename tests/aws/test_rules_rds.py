"""Each RDS rule failing and passing on a moto account."""

from __future__ import annotations

from scanner.models import Status
from tests.support.aws import scan
from tests.support.results import finding

PASSWORD = "DemoOnly-NotASecret-1"
ENCRYPTED = "aws.rds.instance_storage_encrypted"
PUBLIC = "aws.rds.instance_not_publicly_accessible"
BACKUP = "aws.rds.instance_backup_retention"
DELETION = "aws.rds.instance_deletion_protection"
SNAPSHOT = "aws.rds.snapshot_not_public"


def _instance(rds, name, **settings):
    rds.create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="dbadmin",
        MasterUserPassword=PASSWORD,
        AllocatedStorage=20,
        **settings,
    )


def test_instance_rules(aws):
    rds = aws.client("rds")
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    _instance(rds, "bad-db", PubliclyAccessible=True, BackupRetentionPeriod=1, StorageEncrypted=False)
    _instance(
        rds,
        "good-db",
        PubliclyAccessible=False,
        BackupRetentionPeriod=7,
        StorageEncrypted=True,
        KmsKeyId=key,
        DeletionProtection=True,
    )
    result = scan(aws, ENCRYPTED, PUBLIC, BACKUP, DELETION)

    bad = {rule: finding(result, rule, "bad-db") for rule in (ENCRYPTED, PUBLIC, BACKUP, DELETION)}
    assert {f.status for f in bad.values()} == {Status.FAIL}
    assert bad[ENCRYPTED].evidence == {"storage_encrypted": False, "kms_key_id": None}
    assert bad[PUBLIC].evidence == {"publicly_accessible": True}
    assert bad[BACKUP].evidence == {"backup_retention_days": 1, "cluster_id": None}
    assert bad[DELETION].evidence == {"deletion_protection": False, "cluster_id": None}

    good = {rule: finding(result, rule, "good-db") for rule in (ENCRYPTED, PUBLIC, BACKUP, DELETION)}
    assert {f.status for f in good.values()} == {Status.PASS}
    assert good[ENCRYPTED].evidence == {"storage_encrypted": True, "kms_key_id": key}
    assert good[BACKUP].evidence["backup_retention_days"] == 7


def test_instance_secrets_stay_out_of_config(aws):
    rds = aws.client("rds")
    _instance(rds, "plain-db")
    result = scan(aws, ENCRYPTED, PUBLIC, BACKUP, DELETION)
    text = result.model_dump_json()
    assert PASSWORD not in text and "dbadmin" not in text
    assert finding(result, BACKUP, "plain-db").status is Status.FAIL  # moto's default retention is 1 day


def test_cluster_members_use_the_cluster_settings(aws):
    rds = aws.client("rds")
    for cluster, protected, days in (("safe-cluster", True, 14), ("loose-cluster", False, 1)):
        rds.create_db_cluster(
            DBClusterIdentifier=cluster,
            Engine="aurora-postgresql",
            MasterUsername="dbadmin",
            MasterUserPassword=PASSWORD,
            DeletionProtection=protected,
            BackupRetentionPeriod=days,
        )
        rds.create_db_instance(
            DBInstanceIdentifier=f"{cluster}-1",
            Engine="aurora-postgresql",
            DBInstanceClass="db.r6g.large",
            DBClusterIdentifier=cluster,
        )
    result = scan(aws, BACKUP, DELETION)
    safe = finding(result, DELETION, "safe-cluster-1")
    assert safe.status is Status.PASS
    assert safe.evidence == {"deletion_protection": True, "cluster_id": "safe-cluster"}
    assert finding(result, BACKUP, "safe-cluster-1").evidence["backup_retention_days"] == 14
    assert finding(result, BACKUP, "safe-cluster-1").status is Status.PASS
    assert finding(result, DELETION, "loose-cluster-1").status is Status.FAIL
    loose = finding(result, BACKUP, "loose-cluster-1")
    assert loose.status is Status.FAIL
    assert loose.evidence == {"backup_retention_days": 1, "cluster_id": "loose-cluster"}


def test_snapshot_not_public(aws):
    rds = aws.client("rds")
    _instance(rds, "source-db")
    for name in ("public-snap", "shared-snap", "private-snap"):
        rds.create_db_snapshot(DBInstanceIdentifier="source-db", DBSnapshotIdentifier=name)
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="public-snap", AttributeName="restore", ValuesToAdd=["all", "111122223333"]
    )
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="shared-snap", AttributeName="restore", ValuesToAdd=["111122223333"]
    )
    result = scan(aws, SNAPSHOT)
    public = finding(result, SNAPSHOT, "public-snap")
    assert public.status is Status.FAIL
    assert public.evidence == {"public": True, "shared_with_accounts": ["111122223333"]}
    shared = finding(result, SNAPSHOT, "shared-snap")
    assert shared.status is Status.PASS
    assert shared.evidence == {"public": False, "shared_with_accounts": ["111122223333"]}
    assert finding(result, SNAPSHOT, "private-snap").status is Status.PASS
    # moto also made an automated snapshot of source-db; automated snapshots cannot be shared and are not listed.
    assert {f.resource.id for f in result.findings} == {"public-snap", "shared-snap", "private-snap"}
