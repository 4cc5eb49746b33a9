"""Google Cloud test helpers: the real google-cloud REST and discovery clients against a local server.

``FakeGcp`` replays realistic Google API JSON on 127.0.0.1: list responses page
with ``nextPageToken``, errors carry Google's ``{"error": {"code", "message",
"status", "details": [ErrorInfo]}}`` body, and any request for a path a test did
not register fails the test. Credentials are ``AnonymousCredentials``, so
``google.auth.default()`` never runs and nothing probes the metadata server.
The scan must be read-only: only GET requests, and POST only to ``:getIamPolicy``
(a read that Google's API models as POST).

The ``gcp`` fixture (``tests/gcloud/conftest.py``) serves a ``FakeGcp`` per test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from google.auth.credentials import AnonymousCredentials
from werkzeug.wrappers import Request, Response

from scanner.models import Rule, ScanParams, ScanResult
from scanner.providers.gcp.session import GcpSession
from tests.support import fake_http, scanning
from tests.support.fake_http import FakeCloud, json_response
from tests.support.scanning import rules_by_id

PROJECT = "acme-prod"
PROJECT_NUMBER = "123456789012"


@dataclass
class Route(fake_http.Route):
    """A canned Google answer; with ``list_key`` the list body is served as ``{list_key: [...]}`` in pages."""

    list_key: str | None = None


class FakeGcp(FakeCloud):
    """Google API paths answered the way Google answers them."""

    def collection(self, path: str, list_key: str, items: list[dict[str, Any]], page_size: int | None = None) -> None:
        """A list endpoint answering ``{list_key: [...], "nextPageToken": ...}``."""
        self.sequence(path, Route(200, items, page_size=page_size, list_key=list_key))

    def resource(self, path: str, body: dict[str, Any], method: str = "GET") -> None:
        self.sequence(path, Route(200, body), method=method)

    def error(
        self, path: str, status: int, status_name: str, message: str, reason: str | None = None, method: str = "GET"
    ) -> None:
        """An error with Google's body; ``reason`` adds the ErrorInfo detail (``SERVICE_DISABLED``...)."""
        error: dict[str, Any] = {"code": status, "message": message, "status": status_name}
        if reason:
            error["details"] = [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com"}
            ]
        self.sequence(path, Route(status, {"error": error}), method=method)

    def is_read(self, method: str, path: str) -> bool:
        return super().is_read(method, path) or (method == "POST" and path.endswith(":getIamPolicy"))

    def answer(self, request: Request, route: fake_http.Route) -> Response:
        list_key = getattr(route, "list_key", None)
        if list_key is None:
            return json_response(route.status, route.body, route.headers)
        start = int(request.args.get("pageToken", "0") or 0)
        size = route.page_size or max(len(route.body), 1)
        body: dict[str, Any] = {list_key: route.body[start : start + size]}
        if start + size < len(route.body):
            body["nextPageToken"] = str(start + size)
        return json_response(200, body, route.headers)

    def unexpected_answer(self, request: Request) -> Response:
        message = f"unregistered {(request.method, request.path)}"
        return json_response(500, {"error": {"code": 500, "message": message, "status": "INTERNAL"}})


# --- sessions and scans ----------------------------------------------------------------------------


def make_session(gcp: FakeGcp, max_attempts: int = 1, timeout: float = 5.0) -> GcpSession:
    """A Google Cloud session on the fake server with anonymous credentials."""
    return GcpSession(AnonymousCredentials(), gcp.base_url, max_attempts, timeout)


def run(
    session: GcpSession,
    rules: Sequence[Rule] | None = None,
    *,
    projects: Sequence[str] | None = None,
    folders: Sequence[str] | None = None,
    organizations: Sequence[str] | None = None,
    max_workers: int = 8,
    params: ScanParams | None = None,
) -> ScanResult:
    """A full Google Cloud scan through ``session`` of ``projects`` and every active project under the folders/orgs."""
    target = {
        name: tuple(values)
        for name, values in (("projects", projects), ("folders", folders), ("organizations", organizations))
        if values
    }
    return scanning.run_scan("gcp", session, target, rules, max_workers=max_workers, params=params)


def scan(
    gcp: FakeGcp, *rule_ids: str, projects: list[str] | None = None, max_attempts: int = 1, timeout: float = 5.0
) -> ScanResult:
    """Run the real Google Cloud collectors and engine for the given rules against the fake server."""
    session = make_session(gcp, max_attempts=max_attempts, timeout=timeout)
    return run(session, rules_by_id(*rule_ids), projects=projects or [PROJECT], max_workers=4)


# --- resources several test modules plant ----------------------------------------------------------

FIREWALLS = f"/compute/v1/projects/{PROJECT}/global/firewalls"


def firewall(name: str, source_ranges: list[str], allowed: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A firewall rule as the Compute API returns it."""
    return {
        "kind": "compute#firewall",
        "id": "4728123409812345678",
        "creationTimestamp": "2026-01-12T08:15:00.000-08:00",
        "name": name,
        "network": f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/networks/default",
        "priority": 1000,
        "sourceRanges": source_ranges,
        "allowed": allowed,
        "direction": "INGRESS",
        "logConfig": {"enable": False},
        "disabled": False,
        "selfLink": f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/firewalls/{name}",
        **extra,
    }
