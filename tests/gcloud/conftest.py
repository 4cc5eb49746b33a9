"""Google Cloud test set-up: the real google-cloud REST and discovery clients against a local server.

``FakeGcp`` replays realistic Google API JSON on 127.0.0.1: list responses page
with ``nextPageToken``, errors carry Google's ``{"error": {"code", "message",
"status", "details": [ErrorInfo]}}`` body, and any request for a path a test did
not register fails the test. Credentials are ``AnonymousCredentials``, so
``google.auth.default()`` never runs and nothing probes the metadata server.
Every test also proves the scan is read-only: only GET requests, and POST only
to ``:getIamPolicy`` (a read that Google's API models as POST).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

import pytest
from google.auth.credentials import AnonymousCredentials
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from scanner.models import Finding, ScanResult, Status
from scanner.providers.gcp.session import GcpSession
from scanner.rules import load_rules
from scanner.scan import run_gcp_scan

PROJECT = "acme-prod"
PROJECT_NUMBER = "123456789012"


@dataclass
class Route:
    status: int
    body: Any
    list_key: str | None = None
    page_size: int | None = None
    delay: float = 0.0


class FakeGcp:
    def __init__(self, server: HTTPServer):
        self.base_url = server.url_for("/").rstrip("/")
        self.routes: dict[tuple[str, str], list[Route]] = {}
        self.requests: list[tuple[str, str]] = []
        self.unexpected: list[str] = []
        self.handlers: dict[tuple[str, str], Any] = {}
        server.expect_request(re.compile(".*")).respond_with_handler(self._dispatch)

    def collection(self, path: str, list_key: str, items: list[dict[str, Any]], page_size: int | None = None) -> None:
        """A list endpoint answering ``{list_key: [...], "nextPageToken": ...}``."""
        self.routes[("GET", path)] = [Route(200, items, list_key, page_size)]

    def resource(self, path: str, body: dict[str, Any], method: str = "GET") -> None:
        self.routes[(method, path)] = [Route(200, body)]

    def error(
        self, path: str, status: int, status_name: str, message: str, reason: str | None = None, method: str = "GET"
    ) -> None:
        error: dict[str, Any] = {"code": status, "message": message, "status": status_name}
        if reason:
            error["details"] = [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com"}
            ]
        self.routes[(method, path)] = [Route(status, {"error": error})]

    def sequence(self, path: str, *routes: Route, method: str = "GET") -> None:
        self.routes[(method, path)] = list(routes)

    def count(self, path: str) -> int:
        return sum(1 for _, seen in self.requests if seen == path)

    def _dispatch(self, request: Request) -> Response:
        key = (request.method, request.path)
        self.requests.append(key)
        if key in self.handlers:
            return self.handlers[key](request)
        routes = self.routes.get(key)
        if not routes:
            self.unexpected.append(f"{request.method} {request.path}")
            return _json(500, {"error": {"code": 500, "message": f"unregistered {key}", "status": "INTERNAL"}})
        route = routes.pop(0) if len(routes) > 1 else routes[0]
        if route.delay:
            time.sleep(route.delay)
        if route.list_key is None:
            return _json(route.status, route.body)
        start = int(request.args.get("pageToken", "0") or 0)
        size = route.page_size or max(len(route.body), 1)
        body: dict[str, Any] = {route.list_key: route.body[start : start + size]}
        if start + size < len(route.body):
            body["nextPageToken"] = str(start + size)
        return _json(200, body)


def _json(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


@pytest.fixture
def gcp():
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    fake = FakeGcp(server)
    yield fake
    server.stop()
    assert fake.unexpected == [], f"requests for paths no test registered: {fake.unexpected}"
    writes = [f"{m} {p}" for m, p in fake.requests if m != "GET" and not (m == "POST" and p.endswith(":getIamPolicy"))]
    assert writes == [], f"non-read requests sent: {writes}"


def make_session(gcp: FakeGcp, max_attempts: int = 1, timeout: float = 5.0) -> GcpSession:
    return GcpSession(AnonymousCredentials(), gcp.base_url, max_attempts, timeout)


def scan(gcp: FakeGcp, *rule_ids: str, projects: list[str] | None = None, **kwargs: Any) -> ScanResult:
    rules = [rule for rule in load_rules() if rule.id in rule_ids]
    assert {rule.id for rule in rules} == set(rule_ids), "unknown rule id in test"
    return run_gcp_scan(make_session(gcp, **kwargs), rules=rules, projects=projects or [PROJECT], max_workers=4)


def finding(result: ScanResult, rule_id: str, name: str) -> Finding:
    matches = [f for f in result.findings if f.rule_id == rule_id and f.resource.name == name]
    assert len(matches) == 1, f"expected one {rule_id} finding on {name}, got {matches}"
    return matches[0]


def status_of(result: ScanResult, rule_id: str, name: str) -> Status:
    return finding(result, rule_id, name).status
