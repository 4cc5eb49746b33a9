"""CloudTrail: each trail's integrity and encryption, and whether the account has an all-region trail.

Trails are listed with ``includeShadowTrails=False`` in every scanned region, so
a multi-region trail appears once, in its home region, rather than once per
region. The account-wide question "does some trail record every region and is
it logging?" is an ``Aggregate`` over the collected trails; it can only see
trails whose home region was scanned.
"""

from __future__ import annotations

from typing import Any

from scanner.models import Resource
from scanner.providers.spec import Aggregate, Call, Detail, Item, ResourceSpec

TRAIL_TYPE = "aws.cloudtrail.trail"


def _normalize_trail(item: Item) -> dict[str, Any]:
    raw = item.raw
    return {
        "home_region": raw.get("HomeRegion") or item.context.region,
        "is_multi_region": bool(raw.get("IsMultiRegionTrail", False)),
        "is_organization_trail": bool(raw.get("IsOrganizationTrail", False)),
        "log_file_validation": bool(raw.get("LogFileValidationEnabled", False)),
        "kms_key_id": raw.get("KmsKeyId"),
        "s3_bucket": raw.get("S3BucketName"),
    }


TRAIL = ResourceSpec(
    type=TRAIL_TYPE,
    service="cloudtrail",
    scope="regional",
    listing=Call("describe_trails", {"includeShadowTrails": False}, result="trailList"),
    id="{Name}",
    name="{Name}",
    arn="{TrailARN}",
    region_field="home_region",
    details=(
        Detail(
            "status",
            Call("get_trail_status", {"Name": "{TrailARN}"}),
            lambda status: {"is_logging": bool((status or {}).get("IsLogging", False))},
        ),
    ),
    normalize=_normalize_trail,
)


def _label(trail: Resource) -> str:
    return f"{trail.name} ({trail.region})"


def multi_region_logging(trails: list[Resource]) -> dict[str, Any]:
    """Whether some trail records all regions and is logging.

    A multi-region trail whose status could not be read is neither counted as
    logging nor as silent: if no other trail settles the question, the answer
    is ``None`` so the rule reports ERROR rather than a FAIL it cannot prove.
    """
    multi_region = [trail for trail in trails if trail.type == TRAIL_TYPE and trail.config.get("is_multi_region")]
    unknown = sorted(_label(trail) for trail in multi_region if "is_logging" in trail.unavailable)
    logging = sorted(
        _label(trail)
        for trail in multi_region
        if "is_logging" not in trail.unavailable and trail.config.get("is_logging")
    )
    not_logging = sorted(
        _label(trail)
        for trail in multi_region
        if "is_logging" not in trail.unavailable and not trail.config.get("is_logging")
    )
    answer: bool | None = True if logging else (None if unknown else False)
    return {
        "multi_region_logging": answer,
        "multi_region_logging_trails": logging,
        "multi_region_trails_not_logging": not_logging,
        "trails_status_unknown": unknown,
        "trail_count": sum(1 for trail in trails if trail.type == TRAIL_TYPE),
    }


ACCOUNT = Aggregate(
    type="aws.cloudtrail.account",
    sources=(TRAIL_TYPE,),
    name="CloudTrail account coverage",
    build=multi_region_logging,
)

SPECS = (TRAIL,)
AGGREGATES = (ACCOUNT,)
