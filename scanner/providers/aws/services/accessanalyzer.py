"""IAM Access Analyzer: is an external-access analyzer active in each region?

One ``aws.accessanalyzer.region_settings`` resource per scanned region (a
singleton, id = the region), from one paged ``ListAnalyzers`` call of every
type. Only account and organization analyzers report resources shared outside
the zone of trust; unused-access and internal-access analyzers are listed in the
evidence but do not count. An organization analyzer kept in a delegated
administrator account is not visible from member accounts.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, singleton

EXTERNAL_ACCESS_TYPES = ("ACCOUNT", "ORGANIZATION")


def _analyzers(analyzers: list[Any] | None) -> dict[str, Any]:
    summary = [
        {"name": entry.get("name"), "type": entry.get("type"), "status": entry.get("status")}
        for entry in analyzers or []
        if isinstance(entry, dict)
    ]
    return {
        "analyzers": summary,
        "active_external_access_analyzers": sorted(
            str(entry["name"])
            for entry in summary
            if entry["status"] == "ACTIVE" and entry["type"] in EXTERNAL_ACCESS_TYPES
        ),
    }


REGION_SETTINGS = singleton(
    type="aws.accessanalyzer.region_settings",
    service="accessanalyzer",
    id="{region}",
    name="IAM Access Analyzer in {region}",
    scope="regional",
    details=(Detail("analyzers", Call("list_analyzers", result="analyzers"), _analyzers),),
)

SPECS = (REGION_SETTINGS,)
