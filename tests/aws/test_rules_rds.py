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


TLS = "aws.rds.parameter_group_tls_enforced"
MULTI_AZ = "aws.rds.instance_multi_az"
MINOR = "aws.rds.instance_auto_minor_upgrade"
CLUSTER_RULES = (
    "aws.rds.cluster_storage_encrypted",
    "aws.rds.cluster_backup_retention",
    "aws.rds.cluster_deletion_protection",
    "aws.rds.cluster_not_publicly_accessible",
)


def _parameter_group(rds, name, family, **parameters):
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily=family, Description=name)
    if parameters:
        rds.modify_db_parameter_group(
            DBParameterGroupName=name,
            Parameters=[
                {"ParameterName": key, "ParameterValue": value, "ApplyMethod": "pending-reboot"}
                for key, value in parameters.items()
            ],
        )


def test_tls_is_read_once_per_parameter_group(aws):
    rds = aws.client("rds")
    _parameter_group(rds, "pg16-tls", "postgres16", **{"rds.force_ssl": "1"})
    _parameter_group(rds, "mysql80-plain", "mysql8.0", require_secure_transport="0", max_connections="200")
    _parameter_group(rds, "mysql80-unused", "mysql8.0")
    for name in ("orders-db", "orders-db-2", "orders-db-3"):
        _instance(rds, name, DBParameterGroupName="pg16-tls")
    rds.create_db_instance(
        DBInstanceIdentifier="crm-db",
        Engine="mysql",
        DBInstanceClass="db.t3.micro",
        MasterUsername="dbadmin",
        MasterUserPassword=PASSWORD,
        AllocatedStorage=20,
        DBParameterGroupName="mysql80-plain",
    )
    asked: list[str] = []
    event = "before-parameter-build.rds.DescribeDBParameters"
    aws.events.register(event, lambda params, **_: asked.append(params["DBParameterGroupName"]))
    result = scan(aws, TLS)
    good = finding(result, TLS, "pg16-tls")
    assert good.status is Status.PASS
    assert good.evidence == {
        "tls_enforced": True,
        "tls_parameter": "rds.force_ssl",
        "tls_parameter_value": "1",
        "family": "postgres16",
        "used_by_instances": ["orders-db", "orders-db-2", "orders-db-3"],
    }
    bad = finding(result, TLS, "mysql80-plain")
    assert bad.status is Status.FAIL
    assert bad.evidence["tls_parameter"] == "require_secure_transport"
    assert bad.evidence["used_by_instances"] == ["crm-db"]
    assert "mysql80-unused" not in {f.resource.id for f in result.findings}, "a group no instance uses is skipped"
    # One DescribeDBParameters per parameter group of the region, however many instances share it.
    assert sorted(asked) == sorted(set(asked)) and "pg16-tls" in asked


def test_production_instances_need_multi_az_and_every_instance_auto_minor_upgrades(aws):
    rds = aws.client("rds")
    production = [{"Key": "environment", "Value": "production"}]
    _instance(rds, "prod-single", Tags=production, MultiAZ=False, AutoMinorVersionUpgrade=False)
    _instance(rds, "prod-multi", Tags=production, MultiAZ=True)
    _instance(rds, "dev-single", Tags=[{"Key": "environment", "Value": "dev"}], MultiAZ=False)
    result = scan(aws, MULTI_AZ, MINOR)
    single = finding(result, MULTI_AZ, "prod-single")
    assert single.status is Status.FAIL
    assert single.evidence == {"multi_az": False, "cluster_id": None, "tagged.production": True}
    assert finding(result, MULTI_AZ, "prod-multi").status is Status.PASS
    assert "dev-single" not in {f.resource.id for f in result.findings if f.rule_id == MULTI_AZ}
    assert finding(result, MINOR, "prod-single").status is Status.FAIL
    assert finding(result, MINOR, "prod-multi").status is Status.PASS


def test_cluster_rules(aws):
    rds = aws.client("rds")
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    common = {"Engine": "aurora-postgresql", "MasterUsername": "dbadmin", "MasterUserPassword": PASSWORD}
    rds.create_db_cluster(DBClusterIdentifier="loose-aurora", BackupRetentionPeriod=1, **common)
    rds.create_db_cluster(
        DBClusterIdentifier="safe-aurora",
        BackupRetentionPeriod=14,
        DeletionProtection=True,
        StorageEncrypted=True,
        KmsKeyId=key,
        **common,
    )
    for cluster, public in (("loose-aurora", True), ("safe-aurora", False)):
        rds.create_db_instance(
            DBInstanceIdentifier=f"{cluster}-1",
            Engine="aurora-postgresql",
            DBInstanceClass="db.r6g.large",
            DBClusterIdentifier=cluster,
            PubliclyAccessible=public,
        )
    result = scan(aws, *CLUSTER_RULES)
    assert {finding(result, rule, "loose-aurora").status for rule in CLUSTER_RULES} == {Status.FAIL}
    assert {finding(result, rule, "safe-aurora").status for rule in CLUSTER_RULES} == {Status.PASS}
    public = finding(result, "aws.rds.cluster_not_publicly_accessible", "loose-aurora")
    assert public.evidence == {"publicly_accessible": True, "public_members": ["loose-aurora-1"]}
    assert finding(result, "aws.rds.cluster_backup_retention", "loose-aurora").evidence == {"backup_retention_days": 1}
    assert finding(result, "aws.rds.cluster_storage_encrypted", "safe-aurora").evidence["kms_key_id"] == key
    assert PASSWORD not in result.model_dump_json()
