"""The IAM Access Analyzer rule failing, passing and erring, against a local fake of its API.

moto has no Access Analyzer backend, so the real boto3 client talks to ``tests.support.fake_aws``
for ``ListAnalyzers``; STS stays on moto.
"""

from __future__ import annotations

import pytest

from scanner.models import Status
from tests.support.aws import scan
from tests.support.fake_aws import FakeAws, access_denied, ok
from tests.support.results import finding

RULE = "aws.accessanalyzer.analyzer_active"


def analyzer(name: str, kind: str, status: str = "ACTIVE") -> dict:
    found = {
        "arn": f"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/{name}",
        "name": name,
        "type": kind,
        "createdAt": "2026-02-11T08:30:00Z",
        "status": status,
        "tags": {},
    }
    if status == "ACTIVE":
        found["lastResourceAnalyzed"] = "arn:aws:s3:::example-bucket"
        found["lastResourceAnalyzedAt"] = "2026-11-27T22:04:51Z"
    return found


@pytest.fixture
def analyzers(aws, monkeypatch):
    with FakeAws.serving() as fake:
        yield fake.serve(monkeypatch, "accessanalyzer")


def test_no_analyzer_fails(aws, analyzers):
    analyzers.reply("accessanalyzer", "ListAnalyzers", ok({"analyzers": []}))
    none = finding(scan(aws, RULE), RULE, "us-east-1")
    assert none.status is Status.FAIL
    assert none.evidence == {"active_external_access_analyzers": [], "analyzers": []}


def test_unused_access_analyzer_alone_fails(aws, analyzers):
    body = {"analyzers": [analyzer("unused", "ACCOUNT_UNUSED_ACCESS"), analyzer("old", "ACCOUNT", "DISABLED")]}
    analyzers.reply("accessanalyzer", "ListAnalyzers", ok(body))
    unused = finding(scan(aws, RULE), RULE, "us-east-1")
    assert unused.status is Status.FAIL
    assert unused.evidence["analyzers"] == [
        {"name": "unused", "type": "ACCOUNT_UNUSED_ACCESS", "status": "ACTIVE"},
        {"name": "old", "type": "ACCOUNT", "status": "DISABLED"},
    ]


def test_active_account_analyzer_on_a_later_page_passes(aws, analyzers):
    body = {"analyzers": [analyzer("unused", "ACCOUNT_UNUSED_ACCESS"), analyzer("external-access", "ACCOUNT")]}
    analyzers.reply("accessanalyzer", "ListAnalyzers", ok(body, page_size=1))
    result = scan(aws, RULE, regions=["eu-west-1"])
    active = finding(result, RULE, "eu-west-1")
    assert active.status is Status.PASS
    assert active.evidence["active_external_access_analyzers"] == ["external-access"]
    assert analyzers.operations == ["ListAnalyzers", "ListAnalyzers"]


def test_denied_listing_is_error(aws, analyzers):
    analyzers.reply("accessanalyzer", "ListAnalyzers", access_denied("access-analyzer", "ListAnalyzers"))
    denied = finding(scan(aws, RULE), RULE, "us-east-1")
    assert denied.status is Status.ERROR
    assert "list_analyzers failed: AccessDeniedException" in denied.message
