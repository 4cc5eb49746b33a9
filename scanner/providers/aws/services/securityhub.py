"""Security Hub: is the hub on in each region, with at least one standard enabled?

One ``aws.securityhub.region_settings`` resource per scanned region (a
singleton, id = the region). Where Security Hub was never enabled both calls
answer ``InvalidAccessException`` ("Account ... is not subscribed to AWS Security
Hub"): that is the documented "not enabled" answer, so it reads as no hub and no
standards. A caller IAM does not allow gets ``AccessDeniedException`` instead,
which stays an error.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, singleton

_NOT_SUBSCRIBED = ("InvalidAccessException",)
# READY: every control of the standard is on; INCOMPLETE: on, but some controls could not be enabled.
_ON = ("READY", "INCOMPLETE")


def _hub(hub: dict[str, Any] | None) -> dict[str, Any]:
    hub = hub if isinstance(hub, dict) else {}
    return {"hub_enabled": bool(hub.get("HubArn"))}


def _standard_name(arn: str) -> str:
    # arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0
    # arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0
    return arn.split(":", 5)[-1].split("/", 1)[-1] if arn else ""


def _standards(subscriptions: list[Any] | None) -> dict[str, Any]:
    summary = [
        {"standard": _standard_name(str(entry.get("StandardsArn") or "")), "status": entry.get("StandardsStatus")}
        for entry in subscriptions or []
        if isinstance(entry, dict)
    ]
    return {
        "standards": summary,
        "enabled_standards": sorted(entry["standard"] for entry in summary if entry["status"] in _ON),
    }


REGION_SETTINGS = singleton(
    type="aws.securityhub.region_settings",
    service="securityhub",
    id="{region}",
    name="Security Hub in {region}",
    scope="regional",
    details=(
        Detail("hub", Call("describe_hub", absent=_NOT_SUBSCRIBED), _hub),
        Detail(
            "standards",
            Call("get_enabled_standards", result="StandardsSubscriptions", absent=_NOT_SUBSCRIBED),
            _standards,
        ),
    ),
)

SPECS = (REGION_SETTINGS,)
