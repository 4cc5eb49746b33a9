"""GuardDuty: is an enabled detector watching each region?

One ``aws.guardduty.region_settings`` resource per scanned region (a singleton,
id = the region). ``ListDetectors`` answers with an empty list when GuardDuty was
never turned on, so "no detector" is an ordinary value; ``GetDetector`` then runs
once per listed detector (a region holds at most one) for its status.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, singleton


def _detectors(answers: list[Any] | None) -> dict[str, Any]:
    summary = [
        {
            "status": answer.get("Status"),
            "finding_publishing_frequency": answer.get("FindingPublishingFrequency"),
        }
        for answer in answers or []
        if isinstance(answer, dict)
    ]
    return {"detectors": summary, "detector_enabled": any(entry["status"] == "ENABLED" for entry in summary)}


REGION_SETTINGS = singleton(
    type="aws.guardduty.region_settings",
    service="guardduty",
    id="{region}",
    name="GuardDuty in {region}",
    scope="regional",
    details=(
        Detail(
            "detector_ids",
            Call("list_detectors", result="DetectorIds"),
            lambda ids: {"detector_ids": [str(detector_id) for detector_id in ids or []]},
            # if the listing fails there is nothing to describe: the detectors are unknown too
            provides=("detectors", "detector_enabled"),
        ),
        Detail("detectors", Call("get_detector", {"DetectorId": "{@}"}), _detectors, for_each="detector_ids"),
    ),
)

SPECS = (REGION_SETTINGS,)
