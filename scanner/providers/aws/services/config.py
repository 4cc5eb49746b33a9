"""AWS Config: is a configuration recorder on in each region, recording every supported type?

One ``aws.config.region_settings`` resource per scanned region (a singleton,
id = the region). Both calls answer with an empty list when nothing is set up,
so "no recorder" is an ordinary value, not an error.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, Item, singleton


def _records_all_supported(recorder: dict[str, Any]) -> bool:
    group = recorder.get("recordingGroup") or {}
    if group.get("allSupported"):
        return True
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    return strategy == "ALL_SUPPORTED_RESOURCE_TYPES"


def _normalize_region(item: Item) -> dict[str, Any]:
    recorders = item.details.get("recorders") or []
    statuses = {status.get("name"): status for status in item.details.get("statuses") or [] if isinstance(status, dict)}
    summary = []
    for recorder in recorders:
        if not isinstance(recorder, dict):
            continue
        status = statuses.get(recorder.get("name")) or {}
        summary.append(
            {
                "name": recorder.get("name"),
                "recording": bool(status.get("recording", False)),
                "all_supported": _records_all_supported(recorder),
                "include_global_resource_types": bool(
                    (recorder.get("recordingGroup") or {}).get("includeGlobalResourceTypes", False)
                ),
                "last_status": status.get("lastStatus"),
            }
        )
    recording = [entry for entry in summary if entry["recording"]]
    return {
        "recorders": summary,
        "recording": bool(recording),
        "records_all_supported": any(entry["all_supported"] for entry in recording),
    }


REGION_SETTINGS = singleton(
    type="aws.config.region_settings",
    service="config",
    id="{region}",
    name="AWS Config in {region}",
    scope="regional",
    details=(
        Detail(
            "recorders",
            Call("describe_configuration_recorders", result="ConfigurationRecorders"),
            lambda recorders: {"recorder_exists": any(isinstance(recorder, dict) for recorder in recorders or [])},
            provides=("recorders", "recording", "records_all_supported"),
        ),
        Detail(
            "statuses",
            Call("describe_configuration_recorder_status", result="ConfigurationRecordersStatus"),
            provides=("recorders", "recording", "records_all_supported"),
        ),
    ),
    # these fields pair each recorder with its status, so both details feed one normalizer
    normalize=_normalize_region,
)

SPECS = (REGION_SETTINGS,)
