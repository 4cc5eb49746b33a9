"""Demo AWS Backup: the misconfiguration is an absence. No region has a backup plan.

Nothing is planted on purpose: moto (5.2) implements neither ListBackupSelections nor
GetBackupVaultAccessPolicy, so a demo plan or vault would turn into ERROR findings
instead of showing what the rules check. ``aws.backup.plan_with_selection`` FAILs in
every demo region.
"""

from __future__ import annotations

import boto3


def plant(session: boto3.Session, regions: list[str]) -> None:
    return None
