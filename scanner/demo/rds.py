"""Demo RDS: an exposed, unencrypted database with a public snapshot beside a well-kept one.

The well-kept one is tagged as production but runs in a single Availability Zone,
and only it uses a parameter group that requires TLS.
"""

from __future__ import annotations

import boto3

# Never a real secret: moto needs some password to create an instance.
DEMO_PASSWORD = "DemoOnly-NotASecret-1"


def plant(session: boto3.Session, regions: list[str]) -> None:
    rds = session.client("rds", region_name=regions[0])
    common = {
        "Engine": "postgres",
        "DBInstanceClass": "db.t3.micro",
        "MasterUsername": "demoadmin",
        "MasterUserPassword": DEMO_PASSWORD,
        "AllocatedStorage": 20,
    }
    rds.create_db_instance(
        DBInstanceIdentifier="demo-legacy-db",
        PubliclyAccessible=True,
        StorageEncrypted=False,
        BackupRetentionPeriod=1,
        DeletionProtection=False,
        **common,
    )
    rds.create_db_parameter_group(
        DBParameterGroupName="demo-postgres-tls",
        DBParameterGroupFamily="postgres16",
        Description="Demo parameter group requiring TLS",
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="demo-postgres-tls",
        Parameters=[{"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "pending-reboot"}],
    )
    rds.create_db_instance(
        DBInstanceIdentifier="demo-orders-db",
        DBParameterGroupName="demo-postgres-tls",
        MultiAZ=False,
        PubliclyAccessible=False,
        StorageEncrypted=True,
        KmsKeyId="alias/demo-data",
        BackupRetentionPeriod=14,
        DeletionProtection=True,
        Tags=[{"Key": "data-classification", "Value": "pii"}, {"Key": "environment", "Value": "production"}],
        **common,
    )
    rds.create_db_snapshot(DBInstanceIdentifier="demo-legacy-db", DBSnapshotIdentifier="demo-legacy-db-export")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="demo-legacy-db-export", AttributeName="restore", ValuesToAdd=["all"]
    )
