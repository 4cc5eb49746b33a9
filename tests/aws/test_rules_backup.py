"""Each AWS Backup rule failing and passing.

moto (5.2) implements neither ``ListBackupSelections`` nor ``GetBackupVaultAccessPolicy``,
so those rules run the real boto3 client against ``FakeAws`` (tests/support/fake_aws.py):
a local server on 127.0.0.1 answering AWS Backup's REST-JSON (paths, ``nextToken``
paging, error headers and bodies) from canned answers. STS comes from a moto server. Vault Lock
runs on moto, which reports ``Locked`` in ``ListBackupVaults`` as AWS does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from scanner.models import Status
from tests.support.aws import REGION, scan
from tests.support.fake_aws import FakeAws, aws_error, ok
from tests.support.results import finding, status_of

PLAN = "aws.backup.plan_with_selection"
LOCK = "aws.backup.vault_lock_enabled"
VAULT_POLICY = "aws.backup.vault_policy_not_public"
ACCOUNT = "123456789012"  # moto's default account: STS answers with it
CREATED = 1767225600.0  # what AWS sends for timestamps: epoch seconds


@pytest.fixture
def backup(moto_server, monkeypatch) -> Iterator[FakeAws]:
    """AWS Backup answered by ``FakeAws``; every other service (STS) by the moto server."""
    with FakeAws.serving() as fake:
        yield fake.serve(monkeypatch, "backup")


def _listing(fake: FakeAws, operation: str, list_key: str, items: list, page_size: int | None = None, **path) -> None:
    fake.reply("backup", operation, ok({list_key: items}, page_size=page_size), **path)


def _plan(plan_id: str, name: str) -> dict[str, Any]:
    return {
        "BackupPlanArn": f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-plan:{plan_id}",
        "BackupPlanId": plan_id,
        "BackupPlanName": name,
        "CreationDate": CREATED,
        "VersionId": "ZjY4ODk1NmQtMTU4Ni00MmY4LWE3NzItMjE4MzZiNjk3ZjY0",
        "CreatorRequestId": f"{name}-request",
        "LastExecutionDate": CREATED + 86400,
    }


def _selection(plan_id: str, name: str) -> dict[str, Any]:
    return {
        "SelectionId": f"{name}-0b1c2d3e",
        "SelectionName": name,
        "BackupPlanId": plan_id,
        "CreationDate": CREATED,
        "CreatorRequestId": f"{name}-request",
        "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole",
    }


def _vault(name: str, **lock: Any) -> dict[str, Any]:
    return {
        "BackupVaultName": name,
        "BackupVaultArn": f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:{name}",
        "VaultType": "BACKUP_VAULT",
        "VaultState": "AVAILABLE",
        "CreationDate": CREATED,
        "EncryptionKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "CreatorRequestId": f"{name}-request",
        "NumberOfRecoveryPoints": 12,
        "Locked": False,
        **lock,
    }


def _session() -> boto3.Session:
    return boto3.Session(region_name=REGION)


def test_no_backup_plan_fails(backup):
    _listing(backup, "ListBackupPlans", "BackupPlansList", [])
    result = scan(_session(), PLAN)
    region = finding(result, PLAN, REGION)
    assert region.status is Status.FAIL
    assert region.evidence == {"plans_with_selection": [], "plans": []}


def test_a_plan_without_selection_fails_one_with_a_selection_passes(backup):
    _listing(backup, "ListBackupPlans", "BackupPlansList", [_plan("p-empty", "empty")])
    _listing(backup, "ListBackupSelections", "BackupSelectionsList", [], path="/backup/plans/p-empty/selections/")
    assert status_of(scan(_session(), PLAN), PLAN, REGION) is Status.FAIL

    _listing(backup, "ListBackupPlans", "BackupPlansList", [_plan("p-empty", "empty"), _plan("p-daily", "daily")])
    _listing(
        backup,
        "ListBackupSelections",
        "BackupSelectionsList",
        [_selection("p-daily", "tagged"), _selection("p-daily", "databases")],
        page_size=1,
        path="/backup/plans/p-daily/selections/",
    )
    result = scan(_session(), PLAN)
    region = finding(result, PLAN, REGION)
    assert region.status is Status.PASS
    assert region.evidence["plans_with_selection"] == ["daily"]
    assert region.evidence["plans"] == [
        {"name": "empty", "id": "p-empty", "selections": []},
        {"name": "daily", "id": "p-daily", "selections": ["databases", "tagged"]},  # both pages read
    ]
    assert backup.count("/backup/plans/") == 2  # one per scan
    assert backup.count("/backup/plans/p-daily/selections/") == 2  # two pages, one scan


def test_denied_selections_are_an_error_not_a_fail(backup):
    _listing(backup, "ListBackupPlans", "BackupPlansList", [_plan("p-daily", "daily")])
    message = "User is not authorized to perform: backup:ListBackupSelections"
    backup.reply(
        "backup",
        "ListBackupSelections",
        aws_error(403, "AccessDeniedException", message),
        path="/backup/plans/p-daily/selections/",
    )
    region = finding(scan(_session(), PLAN), PLAN, REGION)
    assert region.status is Status.ERROR
    assert "list_backup_selections failed: AccessDeniedException" in region.message


def test_vault_access_policy(backup):
    vaults = [_vault("public"), _vault("org-copies"), _vault("no-policy")]
    _listing(backup, "ListBackupVaults", "BackupVaultList", vaults)
    public_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AnyoneMayDelete",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["backup:DeleteRecoveryPoint", "backup:CopyIntoBackupVault"],
                "Resource": "*",
            }
        ],
    }
    org_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "backup:CopyIntoBackupVault",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
            }
        ],
    }
    for name, document in (("public", public_policy), ("org-copies", org_policy)):
        answer = {
            "BackupVaultName": name,
            "BackupVaultArn": f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:{name}",
            "Policy": json.dumps(document),
        }
        backup.reply("backup", "GetBackupVaultAccessPolicy", ok(answer), path=f"/backup-vaults/{name}/access-policy")
    backup.reply(
        "backup",
        "GetBackupVaultAccessPolicy",
        aws_error(400, "ResourceNotFoundException", "Backup vault no-policy does not have an access policy"),
        path="/backup-vaults/no-policy/access-policy",
    )
    result = scan(_session(), VAULT_POLICY)
    bad = finding(result, VAULT_POLICY, "public")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"public_policy_statements": ["AnyoneMayDelete"], "has_policy": True}
    assert bad.resource.arn == f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:public"
    assert status_of(result, VAULT_POLICY, "org-copies") is Status.PASS
    none = finding(result, VAULT_POLICY, "no-policy")
    assert none.status is Status.PASS
    assert none.evidence == {"public_policy_statements": [], "has_policy": False}


def test_vault_lock_on_moto(aws):
    client = aws.client("backup")
    client.create_backup_vault(BackupVaultName="unlocked")
    client.create_backup_vault(BackupVaultName="locked")
    client.put_backup_vault_lock_configuration(BackupVaultName="locked", MinRetentionDays=7, MaxRetentionDays=365)
    result = scan(aws, LOCK)
    bad = finding(result, LOCK, "unlocked")
    assert bad.status is Status.FAIL
    assert bad.evidence == {"locked": False, "min_retention_days": None, "lock_date": None}
    good = finding(result, LOCK, "locked")
    assert good.status is Status.PASS
    assert good.evidence["min_retention_days"] == 7


def test_compliance_mode_lock_date_is_kept(backup):
    compliance = _vault("compliance", Locked=True, MinRetentionDays=30, LockDate=CREATED)
    _listing(backup, "ListBackupVaults", "BackupVaultList", [compliance])
    backup.reply(
        "backup",
        "GetBackupVaultAccessPolicy",
        aws_error(400, "ResourceNotFoundException", "no policy"),
        path="/backup-vaults/compliance/access-policy",
    )
    good = finding(scan(_session(), LOCK), LOCK, "compliance")
    assert good.status is Status.PASS
    assert good.evidence["lock_date"].startswith("2026-01-01")
