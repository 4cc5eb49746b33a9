"""Azure credentials and clients: one management client per (service, subscription).

Credentials come from ``DefaultAzureCredential`` (environment service principal,
workload identity for GitHub Actions, managed identity, Azure CLI login) aimed at
the chosen cloud's authority. Clients point at the cloud's ARM endpoint and
token audience, retry with azure-core's policy (which honours ``Retry-After`` on
429), and count every HTTP request for the report.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from azure.core.pipeline.policies import BearerTokenCredentialPolicy, SansIOHTTPPolicy

from scanner import __version__
from scanner.providers.azure.cloud import AzureCloud

# service key -> (module, class, whether the client takes a subscription id)
CLIENTS: dict[str, tuple[str, str, bool]] = {
    "subscriptions": ("azure.mgmt.resource.subscriptions", "SubscriptionClient", False),
    "storage": ("azure.mgmt.storage", "StorageManagementClient", True),
    "network": ("azure.mgmt.network", "NetworkManagementClient", True),
    "compute": ("azure.mgmt.compute", "ComputeManagementClient", True),
    "keyvault": ("azure.mgmt.keyvault", "KeyVaultManagementClient", True),
    "sql": ("azure.mgmt.sql", "SqlManagementClient", True),
    "monitor": ("azure.mgmt.monitor", "MonitorManagementClient", True),
    "security": ("azure.mgmt.security", "SecurityCenter", True),
    "authorization": ("azure.mgmt.authorization", "AuthorizationManagementClient", True),
}


class _CountRequests(SansIOHTTPPolicy):
    def __init__(self, session: AzureSession):
        self.session = session

    def on_request(self, request) -> None:
        with self.session._lock:
            self.session.api_calls += 1


class AzureSession:
    """Creates and caches clients; ``auth_policy`` lets tests allow plain-http bearer tokens."""

    def __init__(
        self,
        credential: Any,
        cloud: AzureCloud,
        max_attempts: int = 8,
        timeout: float = 30.0,
        auth_policy_type: type[BearerTokenCredentialPolicy] = BearerTokenCredentialPolicy,
    ):
        self.credential = credential
        self.cloud = cloud
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.auth_policy_type = auth_policy_type
        self.api_calls = 0
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    def client_options(self, scope: str) -> dict[str, Any]:
        return {
            "authentication_policy": self.auth_policy_type(self.credential, scope),
            "per_call_policies": [_CountRequests(self)],
            "retry_total": max(self.max_attempts - 1, 0),
            "retry_backoff_factor": 0.8,
            "connection_timeout": min(self.timeout, 10.0),
            "read_timeout": self.timeout,
            "user_agent": f"cloudscan/{__version__}",
        }

    def client(self, service: str, subscription: str) -> Any:
        module_name, class_name, per_subscription = CLIENTS[service]
        key = (service, subscription if per_subscription else "")
        with self._lock:
            if key not in self._clients:
                client_class = getattr(importlib.import_module(module_name), class_name)
                args = [self.credential, subscription] if per_subscription else [self.credential]
                self._clients[key] = client_class(
                    *args,
                    base_url=self.cloud.arm_endpoint,
                    credential_scopes=[self.cloud.arm_scope],
                    **self.client_options(self.cloud.arm_scope),
                )
            return self._clients[key]


def credential_options(cloud: AzureCloud, tenant: str | None = None) -> dict[str, Any]:
    """Keyword arguments for DefaultAzureCredential: the cloud's authority, the tenant, no browser."""
    options: dict[str, Any] = {"authority": cloud.authority_host, "exclude_interactive_browser_credential": True}
    if tenant:
        # DefaultAzureCredential has no single tenant option: each credential in its chain takes its own
        options.update(
            workload_identity_tenant_id=tenant,
            shared_cache_tenant_id=tenant,
            visual_studio_code_tenant_id=tenant,
            additionally_allowed_tenants=[tenant],
        )
    if cloud.custom_authority:
        # a custom authority (Azure Stack Hub, private cloud) has no instance-discovery endpoint
        options["disable_instance_discovery"] = True
    return options


def default_credential(cloud: AzureCloud, tenant: str | None = None) -> Any:
    """DefaultAzureCredential for the cloud's authority (imported lazily: an optional extra)."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential(**credential_options(cloud, tenant))


def open_session(cloud: AzureCloud, tenant: str | None, max_attempts: int, timeout: float) -> AzureSession:
    """The session a real scan uses: DefaultAzureCredential for the chosen cloud."""
    return AzureSession(default_credential(cloud, tenant), cloud, max_attempts, timeout)
