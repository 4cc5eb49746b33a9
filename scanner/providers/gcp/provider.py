"""The Google Cloud provider: Application Default Credentials, projects (folders and organizations expanded)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scanner.errors import ScanAborted
from scanner.providers.base import (
    Collected,
    MissingTarget,
    Permissions,
    Provider,
    ProviderInput,
    resource_locations,
)
from scanner.providers.collector import CallFailed, Progress, collect_accounts
from scanner.providers.gcp import session
from scanner.providers.gcp.session import GcpSession
from scanner.providers.gcp.transport import GcpTransport
from scanner.providers.registry import needed
from scanner.providers.spec import Call
from scanner.settings import ApiSettings

PROJECT_SCOPE = "global"


class GcpOptions(ProviderInput):
    """An endpoint override (proxy, private endpoint, test server) and a service account to impersonate."""

    api_endpoint: str | None = None
    impersonate_service_account: str | None = None


class GcpTarget(ProviderInput):
    """Projects by id, plus every active project under these folders and organizations."""

    projects: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()


class GcpProvider(Provider[GcpOptions, GcpTarget]):
    name = "gcp"
    label = "Google Cloud"
    target_type = "projects"
    options_model = GcpOptions
    target_model = GcpTarget

    def open_session(self, options: GcpOptions, settings: ApiSettings) -> GcpSession:
        return session.open_session(
            options.api_endpoint, options.impersonate_service_account, settings.max_attempts, settings.timeout
        )

    def default_target(self, target: GcpTarget, gcp_session: Any) -> GcpTarget:
        """The ADC project when nothing is chosen."""
        if target.projects or target.folders or target.organizations:
            return target
        default_project = getattr(gcp_session, "default_project", None)
        if default_project:
            return GcpTarget(projects=(default_project,))
        raise MissingTarget(self.name, "no project chosen and the credentials name no default project")

    def collect(
        self,
        gcp_session: GcpSession,
        target: GcpTarget,
        resource_types: Iterable[str],
        settings: ApiSettings,
        progress: Progress | None = None,
    ) -> Collected:
        target = self.default_target(target, gcp_session)
        calls_before = gcp_session.api_calls
        chosen = set(target.projects)
        transport = GcpTransport(gcp_session)
        parents = [f"folders/{f}" for f in target.folders] + [f"organizations/{o}" for o in target.organizations]
        for parent in parents:
            chosen.update(_projects_under(transport, parent))
        if not chosen:
            raise ScanAborted("no active project under the given folders or organizations")
        wanted = needed(self.name, set(resource_types))
        inventory = collect_accounts(
            chosen, lambda project: transport, wanted.specs, wanted.aggregates, settings.max_workers, progress
        )
        inventory.api_calls = gcp_session.api_calls - calls_before  # folder and organization listing included
        return Collected(accounts=sorted(chosen), regions=resource_locations(inventory), inventory=inventory)

    def permissions(self) -> Permissions:
        return Permissions(
            summary=(
                "roles/viewer and roles/iam.securityReviewer on each project; roles/cloudsql.viewer and "
                "roles/logging.viewer where Viewer does not cover them; roles/browser on folders or the "
                "organization to list their projects."
            ),
            roles=(
                "roles/viewer",
                "roles/iam.securityReviewer",
                "roles/cloudsql.viewer",
                "roles/logging.viewer",
                "roles/browser",
            ),
        )


def _projects_under(transport: GcpTransport, parent: str) -> set[str]:
    """Active projects under a folder or organization, through nested folders."""
    try:
        projects = transport.call("projects", PROJECT_SCOPE, Call("list_projects"), {"request": {"parent": parent}})
        folders = transport.call("folders", PROJECT_SCOPE, Call("list_folders"), {"request": {"parent": parent}})
    except CallFailed as failure:
        raise ScanAborted(f"cannot list projects under {parent}: {failure.code}: {failure.message}") from None
    found = {p["projectId"] for p in projects if p.get("state") == "ACTIVE"}
    for folder in folders:
        if folder.get("state") == "ACTIVE":
            found |= _projects_under(transport, folder["name"])
    return found


PROVIDER = GcpProvider()
