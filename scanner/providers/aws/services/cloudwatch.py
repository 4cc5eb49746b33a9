"""CloudWatch: the CIS monitoring chain, metric filter -> alarm -> SNS topic with a subscriber, per event class.

For each class of security event the CIS AWS Foundations Benchmark names (``cis_monitoring``),
the account passes when a multi-region trail that is logging delivers to a CloudWatch Logs log
group, a metric filter on that log group matches every event of the CIS pattern
(``filter_patterns.covers``), an alarm watches the filter's metric with its actions enabled,
and one of the alarm's SNS topics has a confirmed subscription.

Calls, once per scanned region (``aws.cloudwatch.region_monitoring``, a regional singleton):
CloudWatch Logs DescribeMetricFilters (every filter of the region, paged), CloudWatch
DescribeAlarms (metric alarms, paged) and SNS ListSubscriptions (paged). The trails come from
the CloudTrail declaration (DescribeTrails, GetTrailStatus), so nothing is called twice; the
per-class verdicts are an ``Aggregate`` (``aws.cloudwatch.monitoring``) with no call of its own.
"""

from __future__ import annotations

from typing import Any

from scanner.models import Resource
from scanner.providers.aws.cis_monitoring import EVENT_CLASSES, EventClass
from scanner.providers.aws.filter_patterns import PatternError, covers, parse
from scanner.providers.aws.services.cloudtrail import TRAIL_TYPE
from scanner.providers.spec import Aggregate, Call, Detail, singleton

REGION_TYPE = "aws.cloudwatch.region_monitoring"
_REGION_FIELDS = ("metric_filters", "metric_alarms", "sns_confirmed_subscriptions")
_REFERENCES = {
    event_class.key: tuple(parse(pattern) for pattern in event_class.patterns) for event_class in EVENT_CLASSES
}


def _metric(namespace: Any, name: Any) -> str:
    return f"{namespace}/{name}"


def _metric_filters(filters: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "metric_filters": [
            {
                "name": entry.get("filterName"),
                "log_group": entry.get("logGroupName"),
                "pattern": entry.get("filterPattern") or "",
                "metrics": sorted(
                    _metric(transform.get("metricNamespace"), transform.get("metricName"))
                    for transform in entry.get("metricTransformations") or []
                ),
            }
            for entry in filters or []
        ]
    }


def _alarm_metrics(alarm: dict[str, Any]) -> list[str]:
    """The metrics an alarm watches: its own, or those of its metric-math query."""
    found = []
    if alarm.get("MetricName"):
        found.append(_metric(alarm.get("Namespace"), alarm["MetricName"]))
    for query in alarm.get("Metrics") or []:
        metric = (query.get("MetricStat") or {}).get("Metric") or {}
        if metric.get("MetricName"):
            found.append(_metric(metric.get("Namespace"), metric["MetricName"]))
    return sorted(set(found))


def _alarms(alarms: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "metric_alarms": [
            {
                "name": alarm.get("AlarmName"),
                "metrics": _alarm_metrics(alarm),
                "actions_enabled": bool(alarm.get("ActionsEnabled", True)),
                "sns_actions": sorted(action for action in alarm.get("AlarmActions") or [] if ":sns:" in action),
            }
            for alarm in alarms or []
        ]
    }


def _subscriptions(subscriptions: list[dict[str, Any]] | None) -> dict[str, Any]:
    """Confirmed subscriptions per topic (a pending one has no subscription ARN yet)."""
    counts: dict[str, int] = {}
    for subscription in subscriptions or []:
        if str(subscription.get("SubscriptionArn", "")).startswith("arn:"):
            counts[subscription["TopicArn"]] = counts.get(subscription["TopicArn"], 0) + 1
    return {"sns_confirmed_subscriptions": dict(sorted(counts.items()))}


REGION_MONITORING = singleton(
    type=REGION_TYPE,
    service="cloudwatch",
    scope="regional",
    id="{account}/{region}",
    name="CloudWatch alarms and metric filters ({region})",
    details=(
        Detail(
            "metric_filters", Call("describe_metric_filters", result="metricFilters", service="logs"), _metric_filters
        ),
        Detail("alarms", Call("describe_alarms", {"AlarmTypes": ["MetricAlarm"]}, result="MetricAlarms"), _alarms),
        Detail("subscriptions", Call("list_subscriptions", result="Subscriptions", service="sns"), _subscriptions),
    ),
)


def _log_group(arn: str) -> tuple[str, str, str] | None:
    """(region, account, name) of ``arn:aws:logs:<region>:<account>:log-group:<name>[:*]``."""
    parts = arn.split(":", 6)
    if len(parts) < 7 or parts[2] != "logs" or parts[5] != "log-group":
        return None
    return parts[3], parts[4], parts[6].removesuffix(":*")


def _filter_covers(entry: dict[str, Any], references: tuple[Any, ...]) -> bool:
    try:
        mine = parse(entry["pattern"])
    except PatternError:
        return False
    return any(covers(mine, reference) for reference in references)


class _Chain:
    """The furthest a trail's log group gets towards a complete chain for one event class."""

    def __init__(self) -> None:
        self.stage = -1
        self.text = ""

    def reached(self, stage: int, text: str) -> None:
        if stage > self.stage:
            self.stage, self.text = stage, text


def _check_group(event_class: EventClass, trail: Resource, data: Resource, group: str, chain: _Chain) -> str | None:
    """The passing chain's description, or None (recording how far it got in ``chain``)."""
    what = f"{event_class.title} (CIS {event_class.cis})"
    filters = [
        entry
        for entry in data.config["metric_filters"]
        if entry["log_group"] == group and _filter_covers(entry, _REFERENCES[event_class.key])
    ]
    chain.reached(0, f"No metric filter on log group {group} (trail {trail.name}) matches every event of {what}.")
    subscriptions = data.config["sns_confirmed_subscriptions"]
    for entry in filters:
        metrics = set(entry["metrics"])
        watched = ", ".join(sorted(metrics))
        alarms = [alarm for alarm in data.config["metric_alarms"] if metrics & set(alarm["metrics"])]
        chain.reached(
            1,
            f"Metric filter {entry['name']} on {group} matches {what}, but no alarm watches {watched}.",
        )
        for alarm in alarms:
            topics = alarm["sns_actions"] if alarm["actions_enabled"] else []
            chain.reached(2, f"Alarm {alarm['name']} (filter {entry['name']} on {group}) has no enabled SNS action.")
            for topic in topics:
                count = subscriptions.get(topic, 0)
                if count:
                    return (
                        f"Metric filter {entry['name']} on {group} (trail {trail.name}) feeds alarm {alarm['name']},"
                        f" which notifies {topic} ({count} confirmed subscription{'s' if count > 1 else ''})."
                    )
            if topics:
                chain.reached(
                    3,
                    f"Alarm {alarm['name']} (filter {entry['name']} on {group}) notifies {', '.join(topics)},"
                    " which has no confirmed subscription.",
                )
    return None


def _verdict(
    event_class: EventClass, trails: list[Resource], status_unknown: list[str], regions: dict[str, Resource]
) -> tuple[bool | None, str]:
    what = f"{event_class.title} (CIS {event_class.cis})"
    if not trails:
        if status_unknown:
            return None, f"Could not read whether trails {', '.join(status_unknown)} are logging."
        return False, f"No multi-region trail that is logging delivers to CloudWatch Logs, so nothing alarms on {what}."
    chain, unknown = _Chain(), []
    for trail in trails:
        located = _log_group(trail.config["cloudwatch_logs_log_group_arn"])
        if located is None:
            unknown.append(
                f"trail {trail.name}: unreadable log group ARN {trail.config['cloudwatch_logs_log_group_arn']}"
            )
            continue
        region, _, group = located
        data = regions.get(region)
        if data is None:
            unknown.append(f"log group {group} of trail {trail.name} is in {region}, which was not scanned")
            continue
        missing = sorted({data.unavailable[field] for field in _REGION_FIELDS if field in data.unavailable})
        if missing:
            unknown.append(f"log group {group} of trail {trail.name}: {'; '.join(missing)}")
            continue
        passed = _check_group(event_class, trail, data, group, chain)
        if passed:
            return True, passed
    if unknown or status_unknown:
        reasons = unknown + [f"could not read whether trail {label} is logging" for label in status_unknown]
        return None, f"Could not check {what}: {'; '.join(reasons)}. {chain.text}".strip()
    return False, chain.text


def monitoring(resources: list[Resource]) -> dict[str, Any]:
    """Per CIS event class: whether a complete filter -> alarm -> subscribed topic chain exists, and why (not)."""
    regions = {resource.region: resource for resource in resources if resource.type == REGION_TYPE}
    delivering = [
        trail
        for trail in resources
        if trail.type == TRAIL_TYPE
        and trail.config.get("is_multi_region")
        and trail.config.get("cloudwatch_logs_log_group_arn")
    ]
    status_unknown = sorted(
        f"{trail.name} ({trail.region})" for trail in delivering if "is_logging" in trail.unavailable
    )
    logging = sorted(
        (trail for trail in delivering if "is_logging" not in trail.unavailable and trail.config.get("is_logging")),
        key=lambda trail: (trail.region, trail.name),
    )
    found: dict[str, Any] = {"cloudwatch_logs_trails": [f"{trail.name} ({trail.region})" for trail in logging]}
    for event_class in EVENT_CLASSES:
        verdict, detail = _verdict(event_class, logging, status_unknown, regions)
        found[event_class.key] = verdict
        found[f"{event_class.key}_detail"] = detail
    return found


MONITORING = Aggregate(
    type="aws.cloudwatch.monitoring",
    sources=(TRAIL_TYPE, REGION_TYPE),
    name="CloudWatch alarms on CIS security events",
    build=monitoring,
)

SPECS = (REGION_MONITORING,)
AGGREGATES = (MONITORING,)
