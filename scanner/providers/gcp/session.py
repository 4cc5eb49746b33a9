"""Google Cloud credentials and clients, one per service, all aimed at one endpoint override if given.

Services with a REST transport use the google-cloud GAPIC clients
(``transport="rest"``: Resource Manager, Compute, Cloud KMS); services whose
client has no REST transport (IAM admin, Cloud Logging config, Cloud SQL Admin)
and Cloud Storage's JSON API use the discovery-based client with its bundled
(static) discovery documents, so nothing is fetched at start-up.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

ENV_API_ENDPOINT = "CLOUDSCAN_GCP_API_ENDPOINT"

# service key -> ("gapic", module, class) or ("discovery", api, version)
CLIENTS: dict[str, tuple[str, str, str]] = {
    "projects": ("gapic", "google.cloud.resourcemanager_v3", "ProjectsClient"),
    "folders": ("gapic", "google.cloud.resourcemanager_v3", "FoldersClient"),
    "compute.firewalls": ("gapic", "google.cloud.compute_v1", "FirewallsClient"),
    "compute.networks": ("gapic", "google.cloud.compute_v1", "NetworksClient"),
    "compute.instances": ("gapic", "google.cloud.compute_v1", "InstancesClient"),
    "compute.disks": ("gapic", "google.cloud.compute_v1", "DisksClient"),
    "compute.projects": ("gapic", "google.cloud.compute_v1", "ProjectsClient"),
    "kms": ("gapic", "google.cloud.kms_v1", "KeyManagementServiceClient"),
    "iam": ("discovery", "iam", "v1"),
    "logging": ("discovery", "logging", "v2"),
    "sqladmin": ("discovery", "sqladmin", "v1beta4"),
    "storage": ("discovery", "storage", "v1"),
}

CLOUD_PLATFORM_READ = "https://www.googleapis.com/auth/cloud-platform.read-only"


class GcpSession:
    """Creates and caches clients; counts requests for the report."""

    def __init__(
        self,
        credentials: Any,
        api_endpoint: str | None = None,
        max_attempts: int = 8,
        timeout: float = 30.0,
        default_project: str | None = None,
    ):
        self.credentials = credentials
        self.default_project = default_project
        self.api_endpoint = api_endpoint.rstrip("/") if api_endpoint else None
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.api_calls = 0
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._per_thread = threading.local()

    def count(self, pages: int = 1) -> None:
        with self._lock:
            self.api_calls += pages

    def kind(self, service: str) -> str:
        return CLIENTS[service][0]

    def thread_http(self) -> Any:
        """This thread's authorized httplib2 connection for discovery requests.

        ``httplib2.Http`` is not thread-safe: shared by the collector's workers it
        mixes up connections (IncompleteRead, "Bad file descriptor", or a response
        read for another request), so each worker thread sends through its own.
        """
        http = getattr(self._per_thread, "http", None)
        if http is None:
            import google_auth_httplib2
            import httplib2

            http = google_auth_httplib2.AuthorizedHttp(self.credentials, http=httplib2.Http(timeout=self.timeout))
            self._per_thread.http = http
        return http

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                self._clients[service] = self._create(service)
            return self._clients[service]

    def _create(self, service: str) -> Any:
        kind, first, second = CLIENTS[service]
        if kind == "gapic":
            from google.api_core.client_options import ClientOptions

            client_class = getattr(importlib.import_module(first), second)
            options = ClientOptions(api_endpoint=self.api_endpoint) if self.api_endpoint else None
            return client_class(credentials=self.credentials, transport="rest", client_options=options)
        from googleapiclient.discovery import build

        options = None
        if self.api_endpoint:
            # the discovery client replaces root URL and service path together: keep the real service path
            plain = build(first, second, credentials=self.credentials, static_discovery=True, cache_discovery=False)
            options = {"api_endpoint": f"{self.api_endpoint}/{plain._rootDesc.get('servicePath', '')}"}
        # requests are executed with the calling thread's own connection (thread_http)
        return build(
            first,
            second,
            credentials=self.credentials,
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
        )


def default_credentials(impersonate: str | None = None) -> tuple[Any, str | None]:
    """Application Default Credentials (user, service account, workload identity federation), optionally
    impersonating a service account; returns (credentials, the ADC project if any)."""
    import google.auth
    from google.auth import impersonated_credentials
    from google.auth.exceptions import DefaultCredentialsError

    from scanner.errors import UsageError

    try:
        credentials, project = google.auth.default(scopes=[CLOUD_PLATFORM_READ])
    except DefaultCredentialsError:
        raise UsageError(
            "no Google Cloud credentials found: run `gcloud auth application-default login` "
            "or set GOOGLE_APPLICATION_CREDENTIALS"
        ) from None
    if impersonate:
        credentials = impersonated_credentials.Credentials(
            source_credentials=credentials, target_principal=impersonate, target_scopes=[CLOUD_PLATFORM_READ]
        )
    return credentials, project


def open_session(api_endpoint: str | None, impersonate: str | None, max_attempts: int, timeout: float) -> GcpSession:
    """The session a real scan uses: Application Default Credentials, endpoint from the flag or environment."""
    import os

    credentials, project = default_credentials(impersonate)
    return GcpSession(credentials, api_endpoint or os.environ.get(ENV_API_ENDPOINT), max_attempts, timeout, project)
