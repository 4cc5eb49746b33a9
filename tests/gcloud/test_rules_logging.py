"""Each Cloud Logging rule failing and passing, through the real discovery-based logging v2 and storage v1 clients."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.gcp import PROJECT, PROJECT_NUMBER, FakeGcp, scan
from tests.support.results import finding

ALL_LOGS = "gcp.logging.sink_exports_all_logs"
LOCKED = "gcp.logging.sink_bucket_retention_locked"
BUCKETS = "/storage/v1/b"


def sinks_path(project: str = PROJECT) -> str:
    return f"/v2/projects/{project}/sinks"


def sink(name: str, destination: str, log_filter: str = "", project: str = PROJECT, **extra: Any) -> dict[str, Any]:
    """A sink as projects.sinks.list returns it."""
    return {
        "name": name,
        "destination": destination,
        "filter": log_filter,
        "writerIdentity": f"serviceAccount:service-{PROJECT_NUMBER}@gcp-sa-logging.iam.gserviceaccount.com",
        "createTime": "2026-01-12T08:15:00.123456789Z",
        "updateTime": "2026-01-12T08:15:00.123456789Z",
        **extra,
    }


def builtin_sinks(project: str) -> list[dict[str, Any]]:
    """The _Required and _Default sinks every project has."""
    base = f"logging.googleapis.com/projects/{project}/locations/global/buckets"
    return [
        sink(
            "_Required",
            f"{base}/_Required",
            'LOG_ID("cloudaudit.googleapis.com/activity") OR LOG_ID("externalaudit.googleapis.com/activity")',
            project,
        ),
        sink(
            "_Default",
            f"{base}/_Default",
            'NOT LOG_ID("cloudaudit.googleapis.com/activity") AND NOT LOG_ID("externalaudit.googleapis.com/activity")',
            project,
        ),
    ]


def bucket(name: str, retention: dict[str, Any] | None = None) -> dict[str, Any]:
    """A bucket as buckets.list returns it (projection noAcl)."""
    found: dict[str, Any] = {
        "kind": "storage#bucket",
        "selfLink": f"https://www.googleapis.com/storage/v1/b/{name}",
        "id": name,
        "name": name,
        "projectNumber": PROJECT_NUMBER,
        "metageneration": "2",
        "location": "EU",
        "storageClass": "STANDARD",
        "etag": "CAI=",
        "timeCreated": "2026-01-12T08:15:00.123Z",
        "updated": "2026-01-12T08:15:00.123Z",
        "locationType": "multi-region",
    }
    if retention is not None:
        found["retentionPolicy"] = retention
    return found


def test_logging_rules_fail(gcp: FakeGcp):
    gcp.collection(
        sinks_path(),
        "sinks",
        [
            *builtin_sinks(PROJECT),
            sink("audit-only", "storage.googleapis.com/acme-audit-logs", 'logName:"cloudaudit.googleapis.com"'),
            sink("everything-off", "bigquery.googleapis.com/projects/acme-prod/datasets/logs", disabled=True),
            sink(
                "everything-but-debug",
                "storage.googleapis.com/acme-central-logs",
                exclusions=[{"name": "no-debug", "filter": "severity<=DEBUG"}],
            ),
        ],
        page_size=2,
    )
    gcp.collection(
        BUCKETS,
        "items",
        [
            bucket("acme-audit-logs", {"retentionPeriod": "31536000", "effectiveTime": "2026-01-12T08:15:00.123Z"}),
            bucket("acme-web-assets"),
        ],
    )
    result = scan(gcp, ALL_LOGS, LOCKED)
    assert not result.errors

    bad = finding(result, ALL_LOGS, PROJECT)
    assert bad.status is Status.FAIL
    assert bad.resource.id == f"projects/{PROJECT}" and bad.resource.type == "gcp.logging.project"
    assert bad.evidence["all_logs_sinks"] == []
    assert "everything-off" not in str(bad.evidence["enabled_sinks"])
    assert len(bad.evidence["enabled_sinks"]) == 4

    bad = finding(result, LOCKED, PROJECT)
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "locked_sink_buckets": [],
        "storage_sink_buckets": ["acme-audit-logs", "acme-central-logs"],
        "sink_retention_summary": (
            "no locked retention policy on acme-audit-logs; not in this project, so not checked: acme-central-logs"
        ),
    }
    assert gcp.count(sinks_path()) == 3, "every page was read"


def test_logging_rules_pass(gcp: FakeGcp):
    gcp.collection(
        sinks_path(),
        "sinks",
        [
            *builtin_sinks(PROJECT),
            sink("all-logs", "storage.googleapis.com/acme-audit-logs"),
            sink(
                "to-central",
                "storage.googleapis.com/acme-central-logs",
                exclusions=[{"name": "x", "filter": "severity<=DEBUG", "disabled": True}],
            ),
        ],
    )
    locked = {"retentionPeriod": "31536000", "effectiveTime": "2026-01-12T08:15:00.123Z", "isLocked": True}
    gcp.collection(BUCKETS, "items", [bucket("acme-audit-logs", locked)])
    result = scan(gcp, ALL_LOGS, LOCKED)

    good = finding(result, ALL_LOGS, PROJECT)
    assert good.status is Status.PASS
    assert good.evidence["all_logs_sinks"] == [
        "all-logs -> storage.googleapis.com/acme-audit-logs",
        "to-central -> storage.googleapis.com/acme-central-logs",
    ]
    good = finding(result, LOCKED, PROJECT)
    assert good.status is Status.PASS
    assert good.evidence["locked_sink_buckets"] == ["acme-audit-logs"]
    assert good.evidence["sink_retention_summary"] == "locked retention on acme-audit-logs"


def test_no_storage_sink_fails_without_listing_buckets(gcp: FakeGcp):
    gcp.collection(sinks_path(), "sinks", builtin_sinks(PROJECT))
    result = scan(gcp, ALL_LOGS, LOCKED)
    bad = finding(result, LOCKED, PROJECT)
    assert bad.status is Status.FAIL
    assert "no enabled sink exports logs to a Cloud Storage bucket" in bad.message
    assert gcp.count(BUCKETS) == 0, "buckets are only listed when a sink exports to Cloud Storage"


def test_sinks_permission_denied_is_an_error(gcp: FakeGcp):
    gcp.error(sinks_path(), 403, "PERMISSION_DENIED", f"Permission 'logging.sinks.list' denied on 'projects/{PROJECT}'")
    result = scan(gcp, ALL_LOGS, LOCKED)
    for rule in (ALL_LOGS, LOCKED):
        error = finding(result, rule, PROJECT)
        assert error.status is Status.ERROR
        assert "PERMISSION_DENIED" in error.message


def test_bucket_list_denied_is_an_error_for_the_retention_rule_only(gcp: FakeGcp):
    gcp.collection(sinks_path(), "sinks", [sink("all-logs", "storage.googleapis.com/acme-audit-logs")])
    gcp.error(BUCKETS, 403, "PERMISSION_DENIED", "caller does not have storage.buckets.list access to the project")
    result = scan(gcp, ALL_LOGS, LOCKED)
    assert finding(result, ALL_LOGS, PROJECT).status is Status.PASS
    error = finding(result, LOCKED, PROJECT)
    assert error.status is Status.ERROR and "storage.buckets.list" in error.message
