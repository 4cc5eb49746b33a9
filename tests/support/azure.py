"""Azure test helpers: the real azure-mgmt clients against a local ARM (and Microsoft Graph) server.

``FakeArm`` replays realistic ARM JSON on 127.0.0.1: collections come as
``{"value": [...]}`` and page with ``nextLink``, errors use ARM's ``{"error":
{"code", "message"}}`` body, any request for a path a test did not register fails
the test, and only GET requests may reach it (the scan is read-only). Credentials
are a fixed fake token: no credential chain runs, so nothing probes 169.254.169.254.

The ``arm`` fixture (``tests/az/conftest.py``) serves a ``FakeArm`` per test.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from azure.core.credentials import AccessToken
from azure.core.pipeline.policies import BearerTokenCredentialPolicy
from werkzeug.wrappers import Request, Response

from scanner.models import Rule, ScanParams, ScanResult
from scanner.providers.azure.cloud import resolve_cloud
from scanner.providers.azure.session import AzureSession
from tests.support import scanning
from tests.support.fake_http import FakeCloud, Route, json_response  # Route: tests build ARM answers with it
from tests.support.scanning import rules_by_id

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


class FakeArm(FakeCloud):
    """ARM and Graph paths answered the way Azure answers them."""

    def collection(self, path: str, items: list[dict[str, Any]], page_size: int | None = None) -> None:
        """A list endpoint; with ``page_size`` the items come in pages linked by ``nextLink``."""
        self.sequence(path, Route(200, items, page_size=page_size))

    def resource(self, path: str, body: dict[str, Any]) -> None:
        self.sequence(path, Route(200, body))

    def error(self, path: str, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        self.sequence(path, Route(status, {"error": {"code": code, "message": message}}, headers or {}))

    def answer(self, request: Request, route: Route) -> Response:
        if route.page_size is None or route.status != 200:
            body = {"value": route.body} if isinstance(route.body, list) else route.body
            return json_response(route.status, body, route.headers)
        start = int(request.args.get(PAGE_PARAM, "0"))
        page = route.body[start : start + route.page_size]
        body: dict[str, Any] = {"value": page}
        if start + route.page_size < len(route.body):
            body["nextLink"] = f"{self.base_url}{request.path}?{PAGE_PARAM}={start + route.page_size}"
        return json_response(200, body, route.headers)

    def unexpected_answer(self, request: Request) -> Response:
        message = f"test did not register {request.path}"
        return json_response(500, {"error": {"code": "UnexpectedPath", "message": message}})


def arm_id(provider_type: str, name: str, resource_group: str = RG, subscription: str = SUB) -> str:
    """An ARM resource id like /subscriptions/../resourceGroups/../providers/Microsoft.Storage/storageAccounts/x."""
    return f"/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/{provider_type}/{name}"


# --- sessions and scans ----------------------------------------------------------------------------


def make_session(arm: FakeArm, max_attempts: int = 1, timeout: float = 5.0) -> AzureSession:
    """An Azure session whose ARM and Graph endpoints are the fake server, with a fake credential."""
    cloud = resolve_cloud(
        "public",
        arm_endpoint=arm.base_url,
        authority_host="http://127.0.0.1:9/authority",
        graph_endpoint=f"{arm.base_url}/graph",
    )
    return AzureSession(FakeCredential(), cloud, max_attempts, timeout, auth_policy_type=AllowHttpBearer)


def run(
    session: AzureSession,
    rules: Sequence[Rule] | None = None,
    *,
    subscriptions: Sequence[str] | None = None,
    all_subscriptions: bool = False,
    max_workers: int = 8,
    params: ScanParams | None = None,
) -> ScanResult:
    """A full Azure scan through ``session`` of ``subscriptions`` (or every enabled one)."""
    target: dict[str, Any] = {}
    if subscriptions:
        target["subscriptions"] = tuple(subscriptions)
    if all_subscriptions:
        target["all_subscriptions"] = True
    return scanning.run_scan("azure", session, target, rules, max_workers=max_workers, params=params)


def scan(
    arm: FakeArm,
    *rule_ids: str,
    subscriptions: list[str] | None = None,
    max_attempts: int = 1,
    timeout: float = 5.0,
) -> ScanResult:
    """Run the real Azure collector and engine for the given rules against the fake ARM server."""
    session = make_session(arm, max_attempts=max_attempts, timeout=timeout)
    return run(session, rules_by_id(*rule_ids), subscriptions=subscriptions or [SUB], max_workers=4)


# --- resources several test modules plant ----------------------------------------------------------

NSGS = f"/subscriptions/{SUB}/providers/Microsoft.Network/networkSecurityGroups"
ACCOUNTS = f"/subscriptions/{SUB}/providers/Microsoft.Storage/storageAccounts"


def nsg_rule(
    name: str,
    priority: int,
    port: str | None = None,
    ports: Sequence[str] = (),
    source: str | None = "Internet",
    sources: Sequence[str] = (),
    protocol: str = "Tcp",
    access: str = "Allow",
    direction: str = "Inbound",
    nsg: str = "nsg",
) -> dict[str, Any]:
    """A network security rule as ARM returns it: either a single port/source or the plural lists are set."""
    return {
        "id": arm_id("Microsoft.Network/networkSecurityGroups", f"{nsg}/securityRules/{name}"),
        "name": name,
        "etag": 'W/"3f1b2c4d-0000-0000-0000-000000000001"',
        "type": "Microsoft.Network/networkSecurityGroups/securityRules",
        "properties": {
            "provisioningState": "Succeeded",
            "protocol": protocol,
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "access": access,
            "priority": priority,
            "direction": direction,
            "sourcePortRanges": [],
            "destinationPortRanges": list(ports),
            "sourceAddressPrefixes": list(sources),
            "destinationAddressPrefixes": [],
            **({"destinationPortRange": port} if port is not None else {}),
            **({"sourceAddressPrefix": source} if source is not None and not sources else {}),
        },
    }


def default_nsg_rules(nsg: str) -> list[dict[str, Any]]:
    """The six default rules every NSG carries (the inbound ones admit only the VNet and the load balancer)."""
    return [
        nsg_rule("AllowVnetInBound", 65000, port="*", source="VirtualNetwork", protocol="*", nsg=nsg),
        nsg_rule("AllowAzureLoadBalancerInBound", 65001, port="*", source="AzureLoadBalancer", protocol="*", nsg=nsg),
        nsg_rule("DenyAllInBound", 65500, port="*", source="*", protocol="*", access="Deny", nsg=nsg),
        nsg_rule(
            "AllowVnetOutBound", 65000, port="*", source="VirtualNetwork", protocol="*", direction="Outbound", nsg=nsg
        ),
        nsg_rule("AllowInternetOutBound", 65001, port="*", source="*", protocol="*", direction="Outbound", nsg=nsg),
        nsg_rule(
            "DenyAllOutBound", 65500, port="*", source="*", protocol="*", access="Deny", direction="Outbound", nsg=nsg
        ),
    ]


def nsg(name: str, *rules: dict[str, Any], nics: Sequence[str] = (), subnets: Sequence[str] = ()) -> dict[str, Any]:
    """A network security group as ARM returns it from the subscription-wide list."""
    return {
        "id": arm_id("Microsoft.Network/networkSecurityGroups", name),
        "name": name,
        "type": "Microsoft.Network/networkSecurityGroups",
        "location": "westeurope",
        "etag": 'W/"3f1b2c4d-0000-0000-0000-000000000000"',
        "tags": {"env": "prod"},
        "properties": {
            "provisioningState": "Succeeded",
            "resourceGuid": "9a8b7c6d-1111-4222-8333-444455556666",
            "securityRules": list(rules),
            "defaultSecurityRules": default_nsg_rules(name),
            "networkInterfaces": [{"id": nic} for nic in nics],
            "subnets": [{"id": subnet} for subnet in subnets],
        },
    }


def account(name: str, **properties: Any) -> dict[str, Any]:
    """A storage account as ARM returns it (camelCase properties), secure unless told otherwise."""
    return {
        "id": arm_id("Microsoft.Storage/storageAccounts", name),
        "name": name,
        "type": "Microsoft.Storage/storageAccounts",
        "location": "westeurope",
        "kind": "StorageV2",
        "sku": {"name": "Standard_LRS", "tier": "Standard"},
        "tags": {"env": "prod"},
        "properties": {
            "provisioningState": "Succeeded",
            "supportsHttpsTrafficOnly": True,
            "minimumTlsVersion": "TLS1_2",
            "allowBlobPublicAccess": False,
            "allowSharedKeyAccess": False,
            "encryption": {
                "keySource": "Microsoft.Storage",
                "requireInfrastructureEncryption": True,
                "services": {"blob": {"enabled": True, "keyType": "Account"}},
            },
            "networkAcls": {
                "defaultAction": "Deny",
                "bypass": "AzureServices",
                "ipRules": [],
                "virtualNetworkRules": [],
            },
            **properties,
        },
    }


def blob_service_path(name: str) -> str:
    return f"{arm_id('Microsoft.Storage/storageAccounts', name)}/blobServices/default"


def blob_service(arm: FakeArm, name: str, soft_delete_days: int | None = 14) -> None:
    """Register the storage account's blob service (soft delete on for ``soft_delete_days``, off for None)."""
    policy: dict[str, Any] = {"enabled": soft_delete_days is not None}
    if soft_delete_days is not None:
        policy["days"] = soft_delete_days
    arm.resource(
        blob_service_path(name),
        {
            "id": arm_id("Microsoft.Storage/storageAccounts", f"{name}/blobServices/default"),
            "name": "default",
            "type": "Microsoft.Storage/storageAccounts/blobServices",
            "properties": {"deleteRetentionPolicy": policy, "isVersioningEnabled": False},
        },
    )
