"""Azure test set-up: the real azure-mgmt clients against a local ARM server on 127.0.0.1.

Every test using the ``arm`` fixture also proves the scan is read-only: only GET
requests may reach the server.

``FakeArm`` replays realistic ARM (and Microsoft Graph) JSON: collections page
with ``nextLink``, errors use ARM's ``{"error": {"code", "message"}}`` body, and
any request for a path a test did not register fails the test, so nothing is
answered by accident. Credentials are a fixed fake token: no credential chain
runs, so nothing probes 169.254.169.254.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.pipeline.policies import BearerTokenCredentialPolicy
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from scanner.models import Finding, ScanResult, Status
from scanner.providers.azure.cloud import resolve_cloud
from scanner.providers.azure.session import AzureSession
from scanner.rules import load_rules
from scanner.scan import run_azure_scan

SUB = "00000000-0000-4000-8000-000000000001"
RG = "rg-prod"
PAGE_PARAM = "$skiptoken"


class FakeCredential:
    """A TokenCredential with a fixed token; the token must never show up in output."""

    token = "fake-azure-token-must-not-leak"

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)


class AllowHttpBearer(BearerTokenCredentialPolicy):
    """Test-only: send the bearer token to the plain-http local server (azure-core refuses by default)."""

    def on_request(self, request):
        request.context.options["enforce_https"] = False
        return super().on_request(request)


@dataclass
class Route:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    page_size: int | None = None
    delay: float = 0.0


class FakeArm:
    """Registers ARM paths and answers them; records every request path."""

    def __init__(self, server: HTTPServer):
        self.server = server
        self.base_url = server.url_for("/").rstrip("/")
        self.routes: dict[str, list[Route]] = {}
        self.requests: list[str] = []
        self.methods: set[str] = set()
        self.unexpected: list[str] = []
        server.expect_request(re.compile(".*")).respond_with_handler(self._dispatch)

    # -- registering ---------------------------------------------------------

    def collection(self, path: str, items: list[dict[str, Any]], page_size: int | None = None) -> None:
        """A list endpoint; with ``page_size`` the items come in pages linked by ``nextLink``."""
        self.routes[path] = [Route(200, items, page_size=page_size)]

    def resource(self, path: str, body: dict[str, Any]) -> None:
        self.routes[path] = [Route(200, body)]

    def error(self, path: str, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        self.routes[path] = [Route(status, {"error": {"code": code, "message": message}}, headers or {})]

    def sequence(self, path: str, *routes: Route) -> None:
        """Answer successive requests differently (the last answer repeats)."""
        self.routes[path] = list(routes)

    def count(self, path: str) -> int:
        return sum(1 for seen in self.requests if seen == path)

    # -- answering -----------------------------------------------------------

    def _dispatch(self, request: Request) -> Response:
        path = request.path
        self.requests.append(path)
        self.methods.add(request.method)
        routes = self.routes.get(path)
        if not routes:
            self.unexpected.append(path)
            return _json(500, {"error": {"code": "UnexpectedPath", "message": f"test did not register {path}"}})
        route = routes.pop(0) if len(routes) > 1 else routes[0]
        if route.delay:
            time.sleep(route.delay)
        if route.page_size is None or route.status != 200:
            body = {"value": route.body} if isinstance(route.body, list) else route.body
            return _json(route.status, body, route.headers)
        start = int(request.args.get(PAGE_PARAM, "0"))
        page = route.body[start : start + route.page_size]
        body: dict[str, Any] = {"value": page}
        if start + route.page_size < len(route.body):
            body["nextLink"] = f"{self.base_url}{path}?{PAGE_PARAM}={start + route.page_size}"
        return _json(200, body)


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers or {}, content_type="application/json")


def arm_id(provider_type: str, name: str, resource_group: str = RG, subscription: str = SUB) -> str:
    """An ARM resource id like /subscriptions/../resourceGroups/../providers/Microsoft.Storage/storageAccounts/x."""
    return f"/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/{provider_type}/{name}"


@pytest.fixture
def arm():
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    fake = FakeArm(server)
    yield fake
    server.stop()
    assert fake.unexpected == [], f"requests for paths no test registered: {fake.unexpected}"
    # read-only: every Azure test proves the scanner sent nothing but GET requests
    assert fake.methods <= {"GET"}, f"non-read requests sent: {fake.methods - {'GET'}}"


def make_session(arm: FakeArm, max_attempts: int = 1, timeout: float = 5.0) -> AzureSession:
    cloud = resolve_cloud(
        "public",
        arm_endpoint=arm.base_url,
        authority_host="http://127.0.0.1:9/authority",
        graph_endpoint=f"{arm.base_url}/graph",
    )
    return AzureSession(FakeCredential(), cloud, max_attempts, timeout, auth_policy_type=AllowHttpBearer)


def scan(arm: FakeArm, *rule_ids: str, subscriptions: list[str] | None = None, **kwargs: Any) -> ScanResult:
    """Run the real Azure collector and engine for the given rules against the fake ARM server."""
    rules = [rule for rule in load_rules() if rule.id in rule_ids]
    assert {rule.id for rule in rules} == set(rule_ids), "unknown rule id in test"
    session = make_session(arm, **kwargs)
    return run_azure_scan(session, rules=rules, subscriptions=subscriptions or [SUB], max_workers=4)


def finding(result: ScanResult, rule_id: str, name: str) -> Finding:
    """The single finding of ``rule_id`` on the resource named ``name``."""
    matches = [f for f in result.findings if f.rule_id == rule_id and f.resource.name == name]
    assert len(matches) == 1, f"expected one {rule_id} finding on {name}, got {matches}"
    return matches[0]


def status_of(result: ScanResult, rule_id: str, name: str) -> Status:
    return finding(result, rule_id, name).status
