"""Cloud Logging: the project's log sinks, and the retention lock of the buckets they export to.

One resource per project (``gcp.logging.project``). Its sinks come from the
Logging API; for sinks that export to Cloud Storage
(``storage.googleapis.com/<bucket>``) the bucket's retention policy is read from
the project's bucket list on the Storage JSON API. That list is only fetched
when some sink exports to Cloud Storage. A destination bucket held in another
project (a central logging project) is not in that list: it is reported as
unchecked rather than guessed.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.gcp.resources import project_settings
from scanner.providers.spec import Call, Detail, Item

STORAGE_PREFIX = "storage.googleapis.com/"


def _enabled(sinks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [sink for sink in sinks if not sink.get("disabled", False)]


def exports_everything(sink: dict[str, Any]) -> bool:
    """An enabled sink with no filter and no active exclusion routes every log entry of the project."""
    if sink.get("disabled", False) or str(sink.get("filter") or "").strip():
        return False
    return not any(not exclusion.get("disabled", False) for exclusion in sink.get("exclusions") or [])


def retention_facts(sinks: list[dict[str, Any]], buckets: list[dict[str, Any]] | None) -> dict[str, Any]:
    """Which storage sinks' buckets have a locked retention policy, and a one-line summary."""
    storage = sorted(
        {
            str(sink.get("destination"))[len(STORAGE_PREFIX) :]
            for sink in _enabled(sinks)
            if str(sink.get("destination") or "").startswith(STORAGE_PREFIX)
        }
    )
    known = {str(bucket.get("name")): bucket for bucket in buckets or []}
    locked = [name for name in storage if ((known.get(name) or {}).get("retentionPolicy") or {}).get("isLocked")]
    unchecked = [name for name in storage if name not in known]
    unlocked = [name for name in storage if name in known and name not in locked]
    if not storage:
        summary = "no enabled sink exports logs to a Cloud Storage bucket"
    elif locked:
        summary = f"locked retention on {', '.join(locked)}"
    else:
        parts = []
        if unlocked:
            parts.append(f"no locked retention policy on {', '.join(unlocked)}")
        if unchecked:
            parts.append(f"not in this project, so not checked: {', '.join(unchecked)}")
        summary = "; ".join(parts)
    return {
        "storage_sink_buckets": storage,
        "locked_sink_buckets": locked,
        "unchecked_sink_buckets": unchecked,
        "sink_retention_summary": summary,
    }


def _label(sink: dict[str, Any]) -> str:
    return f"{sink.get('name')} -> {sink.get('destination')}"


def _sinks(sinks: list[dict[str, Any]] | None) -> dict[str, Any]:
    sinks = sinks or []
    return {
        "sink_count": len(sinks),
        "enabled_sinks": [_label(sink) for sink in _enabled(sinks)],
        "all_logs_sinks": [_label(sink) for sink in sinks if exports_everything(sink)],
    }


def _normalize_project(item: Item) -> dict[str, Any]:
    """The retention of the sinks' buckets: the sinks joined to the project's bucket list."""
    bucket_pages = item.details.get("buckets") or []
    buckets = [bucket for page in bucket_pages for bucket in page or []]
    return retention_facts(item.details.get("sinks") or [], buckets)


# the fields _normalize_project computes from both details
_RETENTION_FIELDS = tuple(retention_facts([], None))

PROJECT = project_settings(
    type="gcp.logging.project",
    service="logging",
    normalize=_normalize_project,
    details=(
        Detail(
            "sinks",
            Call("projects.sinks.list", {"parent": "projects/{account}"}, result="sinks"),
            _sinks,
            # joined to the buckets by _normalize_project (and what the buckets detail iterates over)
            provides=_RETENTION_FIELDS,
        ),
        # at most one run: the project's buckets, only if some enabled sink exports to Cloud Storage
        Detail(
            "buckets",
            Call("buckets.list", {"project": "{account}"}, result="items", service="storage"),
            provides=_RETENTION_FIELDS,
            for_each=("sinks[?!disabled && starts_with(destination || '', 'storage.googleapis.com/')] | [:1]"),
        ),
    ),
)

SPECS = (PROJECT,)
