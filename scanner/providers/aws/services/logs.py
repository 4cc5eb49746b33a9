"""CloudWatch Logs: each log group's retention and KMS encryption, and the region it is stored in.

One call per region: DescribeLogGroups (paged), whose items carry both settings.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Item, ResourceSpec


def _normalize_log_group(item: Item) -> dict[str, Any]:
    raw = item.raw
    return {"retention_in_days": raw.get("retentionInDays"), "kms_key_id": raw.get("kmsKeyId") or None}


LOG_GROUP = ResourceSpec(
    type="aws.logs.log_group",
    service="logs",
    scope="regional",
    listing=Call("describe_log_groups", result="logGroups"),
    id="{logGroupName}",
    name="{logGroupName}",
    arn="{logGroupArn}",
    normalize=_normalize_log_group,
)

SPECS = (LOG_GROUP,)
