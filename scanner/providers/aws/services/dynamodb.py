"""DynamoDB: tables (point-in-time recovery, deletion protection, encryption key, region).

``ListTables`` returns names only, so each table costs ``DescribeTable`` (deletion
protection, encryption), ``DescribeContinuousBackups`` (point-in-time recovery) and
``ListTagsOfResource`` (tags, which decide ``tagged.personal_data``). A failed tag call
makes ``tags_listed`` unavailable, so a rule that applies by tag reports ERROR rather
than silently skipping a table it could not classify.

The encryption key is told apart with one ``ListAliases`` per region: DynamoDB answers
with the key ARN, and the AWS managed key is the one ``alias/aws/dynamodb`` points to.
No ``SSEDescription`` (or a disabled one) means the AWS owned key.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, Item, Lookup, ResourceSpec, tag_list

AWS_OWNED = "AWS_OWNED"
AWS_MANAGED = "AWS_MANAGED"
CUSTOMER_MANAGED = "CUSTOMER_MANAGED"
_MANAGED_ALIAS = "alias/aws/dynamodb"
_TABLE = {"TableName": "{TableName}"}


def _kms_key_arn(table: dict[str, Any] | None) -> str | None:
    sse = (table or {}).get("SSEDescription") or {}
    if sse.get("SSEType") != "KMS" or sse.get("Status") not in ("ENABLED", "ENABLING", "UPDATING"):
        return None
    return sse.get("KMSMasterKeyArn")


def _table(table: dict[str, Any] | None) -> dict[str, Any]:
    table = table or {}
    return {
        "deletion_protection": bool(table.get("DeletionProtectionEnabled", False)),
        "kms_key_arn": _kms_key_arn(table),
    }


def _continuous_backups(description: dict[str, Any] | None) -> dict[str, Any]:
    recovery = (description or {}).get("PointInTimeRecoveryDescription") or {}
    enabled = recovery.get("PointInTimeRecoveryStatus") == "ENABLED"
    return {
        "pitr_enabled": enabled,
        "pitr_recovery_period_days": recovery.get("RecoveryPeriodInDays") if enabled else None,
    }


def _managed_key_id(aliases: Any) -> str | None:
    for alias in aliases or []:
        if isinstance(alias, dict) and alias.get("AliasName") == _MANAGED_ALIAS:
            return alias.get("TargetKeyId")
    return None


def _normalize_table(item: Item) -> dict[str, Any]:
    key_arn = _kms_key_arn(item.details.get("table"))
    if key_arn is None:
        key_type = AWS_OWNED
    elif key_arn.rsplit("/", 1)[-1] == _managed_key_id(item.lookups.get("aliases")):
        key_type = AWS_MANAGED
    else:
        key_type = CUSTOMER_MANAGED
    return {"encryption_key_type": key_type}


TABLE = ResourceSpec(
    type="aws.dynamodb.table",
    service="dynamodb",
    scope="regional",
    # ListTables answers with bare names; make each an item the templates can read.
    listing=Call("list_tables", result="TableNames[].{TableName: @}"),
    id="{TableName}",
    name="{TableName}",
    arn="arn:{partition}:dynamodb:{region}:{account}:table/{TableName}",
    lookups=(Lookup("aliases", Call("list_aliases", result="Aliases", service="kms"), ("encryption_key_type",)),),
    details=(
        Detail("table", Call("describe_table", _TABLE, result="Table"), _table, provides=("encryption_key_type",)),
        Detail(
            "continuous_backups",
            Call("describe_continuous_backups", _TABLE, result="ContinuousBackupsDescription"),
            _continuous_backups,
        ),
        Detail(
            "tags",
            Call(
                "list_tags_of_resource",
                {"ResourceArn": "arn:{partition}:dynamodb:{region}:{account}:table/{TableName}"},
                result="Tags || `[]`",
            ),
            lambda tags: {"tags_listed": tags is not None},
        ),
    ),
    normalize=_normalize_table,
    tags=tag_list("tags"),
)

SPECS = (TABLE,)
