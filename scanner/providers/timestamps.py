"""Times as cloud APIs give them: one reader for every provider.

SDKs answer with ``datetime`` objects (boto3), epoch seconds (ACM), ISO 8601
strings with a ``Z`` (Google, CloudTrail status), or placeholders such as
``N/A`` (the IAM credential report). Rules compare ages in days, so every time is
read here into an aware UTC ``datetime``, or ``None`` when there is none.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


def as_utc(value: Any) -> datetime | None:
    """``value`` as an aware datetime (naive ones are UTC); ``None`` for anything that is not a time."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(value, tz=timezone.utc)
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def days_since(moment: datetime, now: datetime) -> int:
    """Whole days from ``moment`` to ``now``, never negative (clock skew)."""
    return max((now - moment).days, 0)
