"""Secrets Manager: rotation of secrets, from ``ListSecrets`` alone.

``ListSecrets`` carries each secret's rotation settings, last rotation date and
tags, so no per-secret call is made; secret values are never read (no
``GetSecretValue``) and neither are the version ids the listing carries.

A secret counts as rotated recently when its last rotation (or, never rotated,
its creation) is no older than its rotation interval plus a grace period, or 90
days when the schedule is a cron expression the scanner does not interpret.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from scanner.providers.spec import Call, Item, ResourceSpec, tag_list
from scanner.providers.timestamps import as_utc

DEFAULT_MAX_AGE_DAYS = 90
# Rotation runs within a window after its due date (up to a day) and retries on failure: allow for both.
GRACE_DAYS = 3
_RATE = re.compile(r"^\s*rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)\s*$", re.IGNORECASE)


def rotation_interval_days(rules: Any) -> int | None:
    """Days between rotations from ``RotationRules``: ``AutomaticallyAfterDays`` or a ``rate()`` schedule."""
    if not isinstance(rules, dict):
        return None
    days = rules.get("AutomaticallyAfterDays")
    if isinstance(days, int) and days > 0:
        return days
    rate = _RATE.match(str(rules.get("ScheduleExpression") or ""))
    if rate:
        amount, unit = int(rate.group(1)), rate.group(2).lower()
        return max(1, -(-amount // 24)) if unit.startswith("hour") else amount
    return None


def normalize_secret(item: Item, now: datetime | None = None) -> dict[str, Any]:
    raw = item.raw
    now = now or datetime.now(timezone.utc)
    interval = rotation_interval_days(raw.get("RotationRules"))
    last_rotated = as_utc(raw.get("LastRotatedDate"))
    since = last_rotated or as_utc(raw.get("CreatedDate"))
    return {
        "rotation_enabled": bool(raw.get("RotationEnabled", False)),
        "rotation_interval_days": interval,
        "last_rotated": last_rotated.date().isoformat() if last_rotated else None,
        "days_since_rotation": max((now - since).days, 0) if since else None,
        "max_rotation_age_days": interval + GRACE_DAYS if interval else DEFAULT_MAX_AGE_DAYS,
        "owning_service": raw.get("OwningService"),
    }


SECRET = ResourceSpec(
    type="aws.secretsmanager.secret",
    service="secretsmanager",
    scope="regional",
    listing=Call("list_secrets", result="SecretList"),
    id="{Name}",
    name="{Name}",
    arn="{ARN}",
    normalize=normalize_secret,
    tags=tag_list("Tags"),
)

SPECS = (SECRET,)
