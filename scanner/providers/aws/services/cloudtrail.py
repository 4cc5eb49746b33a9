"""CloudTrail: each trail's integrity, encryption, delivery and data events, and account-wide coverage.

Trails are listed with ``includeShadowTrails=False`` in every scanned region, so
a multi-region trail appears once, in its home region, rather than once per
region. The account-wide questions ("does some trail record every region and is
it logging?", "are S3 object reads and writes recorded?", "is every trail's
bucket protected?") are ``Aggregate``s over the collected trails (and, for the
buckets, the collected S3 buckets); they can only see trails whose home region
was scanned.

Per trail: DescribeTrails (listing, per region), GetTrailStatus, GetEventSelectors,
and S3 GetObjectLockConfiguration on the trail's bucket (the S3 bucket resource
does not read Object Lock; the rest of the bucket's settings are reused from it).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from scanner.models import Resource
from scanner.providers.spec import Aggregate, Call, Detail, Item, ResourceSpec
from scanner.providers.timestamps import as_utc

TRAIL_TYPE = "aws.cloudtrail.trail"
BUCKET_TYPE = "aws.s3.bucket"
# CIS: CloudWatch Logs delivery counts as current when the latest one is less than a day old.
RECENT_DELIVERY = timedelta(days=1)
_ALL_S3_OBJECTS = re.compile(r"^arn:[a-z-]+:s3(:::)?$")
_S3_OBJECT = "AWS::S3::Object"


def _normalize_trail(item: Item) -> dict[str, Any]:
    raw = item.raw
    return {
        "home_region": raw.get("HomeRegion") or item.context.region,
        "is_multi_region": bool(raw.get("IsMultiRegionTrail", False)),
        "is_organization_trail": bool(raw.get("IsOrganizationTrail", False)),
        "log_file_validation": bool(raw.get("LogFileValidationEnabled", False)),
        "kms_key_id": raw.get("KmsKeyId"),
        "s3_bucket": raw.get("S3BucketName"),
        "cloudwatch_logs_log_group_arn": raw.get("CloudWatchLogsLogGroupArn") or None,
        "cloudwatch_logs_role_arn": raw.get("CloudWatchLogsRoleArn") or None,
    }


def _status(status: dict[str, Any] | None) -> dict[str, Any]:
    """Logging state, and CloudWatch Logs delivery: its last time and error, when CloudTrail reports them."""
    status = status or {}
    delivered = as_utc(status.get("LatestCloudWatchLogsDeliveryTime"))
    recently = None if delivered is None else datetime.now(timezone.utc) - delivered <= RECENT_DELIVERY
    return {
        "is_logging": bool(status.get("IsLogging", False)),
        "cloudwatch_logs_latest_delivery": delivered.isoformat() if delivered else None,
        "cloudwatch_logs_delivered_recently": recently,
        "cloudwatch_logs_delivery_error": status.get("LatestCloudWatchLogsDeliveryError") or None,
    }


def _advanced_s3(selector: dict[str, Any]) -> tuple[bool, bool, bool] | None:
    """(read, write, scoped) for an advanced selector on S3 objects, None for any other selector."""
    fields = {field.get("Field"): field for field in selector.get("FieldSelectors") or []}
    if (fields.get("eventCategory") or {}).get("Equals") != ["Data"]:
        return None
    if _S3_OBJECT not in ((fields.get("resources.type") or {}).get("Equals") or []):
        return None
    read_only = fields.get("readOnly")
    harmless = {"eventCategory", "resources.type", "readOnly"}
    if (fields.get("eventSource") or {}).get("Equals") == ["s3.amazonaws.com"]:
        harmless.add("eventSource")
    if set(fields) - harmless:
        return False, False, True  # limited to some buckets, events or principals
    if read_only is None:
        return True, True, False
    if set(read_only) - {"Field", "Equals"}:
        return False, False, True
    values = read_only.get("Equals") or []
    return "true" in values, "false" in values, False


def _s3_data_events(answer: dict[str, Any] | None) -> dict[str, Any]:
    """Whether the trail records S3 object-level reads and writes in every bucket (basic or advanced selectors)."""
    answer = answer or {}
    read = write = False
    scoped: list[str] = []
    for selector in answer.get("EventSelectors") or []:
        kind = selector.get("ReadWriteType", "All")
        for resource in selector.get("DataResources") or []:
            if resource.get("Type") != _S3_OBJECT:
                continue
            values = resource.get("Values") or []
            if any(_ALL_S3_OBJECTS.match(value) for value in values):
                read = read or kind in ("All", "ReadOnly")
                write = write or kind in ("All", "WriteOnly")
            else:
                scoped.extend(values)
    for selector in answer.get("AdvancedEventSelectors") or []:
        found = _advanced_s3(selector)
        if found is None:
            continue
        read, write = read or found[0], write or found[1]
        if found[2]:
            scoped.append(f"advanced selector {selector.get('Name') or '(unnamed)'}")
    return {"s3_data_events_read": read, "s3_data_events_write": write, "s3_data_events_scoped": sorted(scoped)}


def _object_lock(configuration: dict[str, Any] | None) -> dict[str, Any]:
    return {"bucket_object_lock": (configuration or {}).get("ObjectLockEnabled") == "Enabled"}


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
        Detail("status", Call("get_trail_status", {"Name": "{TrailARN}"}), _status),
        Detail("event_selectors", Call("get_event_selectors", {"TrailName": "{TrailARN}"}), _s3_data_events),
        Detail(
            "object_lock",
            Call(
                "get_object_lock_configuration",
                {"Bucket": "{S3BucketName}"},
                result="ObjectLockConfiguration",
                absent=("ObjectLockConfigurationNotFoundError",),
                service="s3",
            ),
            _object_lock,
        ),
    ),
    normalize=_normalize_trail,
)


def _label(trail: Resource) -> str:
    return f"{trail.name} ({trail.region})"


def _known(resource: Resource, *fields: str) -> bool:
    return not any(field in resource.unavailable for field in fields)


def multi_region_logging(trails: list[Resource]) -> dict[str, Any]:
    """Whether some trail records all regions and is logging, and whether such trails record S3 object events.

    A multi-region trail whose status could not be read is neither counted as
    logging nor as silent: if no other trail settles the question, the answer
    is ``None`` so the rule reports ERROR rather than a FAIL it cannot prove.
    The same holds for a logging trail whose event selectors could not be read.
    """
    multi_region = [trail for trail in trails if trail.type == TRAIL_TYPE and trail.config.get("is_multi_region")]
    unknown = sorted(_label(trail) for trail in multi_region if not _known(trail, "is_logging"))
    logging_trails = [trail for trail in multi_region if _known(trail, "is_logging") and trail.config.get("is_logging")]
    logging = sorted(_label(trail) for trail in logging_trails)
    not_logging = sorted(
        _label(trail) for trail in multi_region if _known(trail, "is_logging") and not trail.config.get("is_logging")
    )
    answer: bool | None = True if logging else (None if unknown else False)

    selectors_known = [trail for trail in logging_trails if _known(trail, "s3_data_events_read")]
    reading = sorted(_label(trail) for trail in selectors_known if trail.config.get("s3_data_events_read"))
    writing = sorted(_label(trail) for trail in selectors_known if trail.config.get("s3_data_events_write"))
    scoped = sorted(
        f"{_label(trail)}: {', '.join(trail.config['s3_data_events_scoped'])}"
        for trail in selectors_known
        if trail.config.get("s3_data_events_scoped")
    )
    data_unknown = unknown + sorted(_label(trail) for trail in logging_trails if trail not in selectors_known)
    data_events: bool | None = True if reading and writing else (None if data_unknown else False)
    return {
        "multi_region_logging": answer,
        "multi_region_logging_trails": logging,
        "multi_region_trails_not_logging": not_logging,
        "trails_status_unknown": unknown,
        "trail_count": sum(1 for trail in trails if trail.type == TRAIL_TYPE),
        "s3_data_events": data_events,
        "s3_read_events_trails": reading,
        "s3_write_events_trails": writing,
        "s3_data_events_scoped_trails": scoped,
        "s3_data_events_unknown_trails": data_unknown,
    }


ACCOUNT = Aggregate(
    type="aws.cloudtrail.account",
    sources=(TRAIL_TYPE,),
    name="CloudTrail account coverage",
    build=multi_region_logging,
)

_BUCKET_FIELDS = ("public_access_block", "public_policy_statements", "acl_public_grants", "access_logging_enabled")


def _bucket_problems(bucket: Resource, object_lock: bool) -> list[str]:
    config = bucket.config
    block = config.get("public_access_block") or {}
    problems = []
    if config.get("public_policy_statements") and not block.get("RestrictPublicBuckets"):
        problems.append("public through its bucket policy")
    if config.get("acl_public_grants") and not block.get("IgnorePublicAcls"):
        problems.append(f"public through its ACL ({', '.join(config['acl_public_grants'])})")
    if not config.get("access_logging_enabled"):
        problems.append("no server access logging")
    if not object_lock and config.get("mfa_delete") != "Enabled":
        problems.append("neither Object Lock nor MFA delete")
    return problems


def trail_buckets(resources: list[Resource]) -> dict[str, Any]:
    """Whether every trail's bucket is not public, logs access, and has Object Lock or MFA delete.

    The bucket's settings come from the collected ``aws.s3.bucket``; Object Lock from the
    trail's own detail. A bucket of another account (a central log archive) cannot be read
    here: it is reported as unknown, so the rule gives ERROR unless another bucket fails.
    """
    buckets = {resource.id: resource for resource in resources if resource.type == BUCKET_TYPE}
    by_bucket: dict[str, list[Resource]] = {}
    for trail in resources:
        if trail.type == TRAIL_TYPE and trail.config.get("s3_bucket"):
            by_bucket.setdefault(trail.config["s3_bucket"], []).append(trail)
    protected, unprotected, unknown = [], [], []
    for name, trails in sorted(by_bucket.items()):
        label = f"{name} (trails {', '.join(sorted(_label(trail) for trail in trails))})"
        bucket = buckets.get(name)
        if bucket is None:
            unknown.append(f"{label}: not a bucket of this account; scan the account that owns it")
            continue
        missing = sorted({field for field in (*_BUCKET_FIELDS, "mfa_delete") if not _known(bucket, field)})
        lock_known = [trail for trail in trails if _known(trail, "bucket_object_lock")]
        if missing or not lock_known:
            what = missing or ["bucket_object_lock"]
            unknown.append(f"{label}: could not read {', '.join(what)}")
            continue
        problems = _bucket_problems(bucket, any(trail.config.get("bucket_object_lock") for trail in lock_known))
        (unprotected if problems else protected).append(f"{label}: {'; '.join(problems)}" if problems else label)
    answer: bool | None = False if unprotected else (None if unknown else True)
    return {
        "trail_buckets_protected": answer,
        "protected_trail_buckets": protected,
        "unprotected_trail_buckets": unprotected,
        "trail_buckets_unknown": unknown,
    }


TRAIL_BUCKETS = Aggregate(
    type="aws.cloudtrail.trail_buckets",
    sources=(TRAIL_TYPE, BUCKET_TYPE),
    name="CloudTrail log buckets",
    build=trail_buckets,
)

SPECS = (TRAIL,)
AGGREGATES = (ACCOUNT, TRAIL_BUCKETS)
