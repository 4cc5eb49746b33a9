"""Entry point of the Google Cloud adapter: which projects, then one collector per project."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scanner.errors import ScanAborted, UsageError
from scanner.providers.collector import CallFailed, Inventory, Progress, collect_accounts
from scanner.providers.gcp.session import GcpSession
from scanner.providers.gcp.transport import GcpTransport
from scanner.providers.registry import needed
from scanner.providers.spec import Call

PROJECT_SCOPE = "global"


@dataclass
class GcpScan:
    projects: list[str]
    inventory: Inventory


def scan_gcp(
    session: GcpSession,
    resource_types: Iterable[str],
    projects: list[str] | None = None,
    folders: list[str] | None = None,
    organizations: list[str] | None = None,
    max_workers: int = 8,
    progress: Progress | None = None,
) -> GcpScan:
    """Collect the given resource types from each chosen project (folders and organizations expanded)."""
    chosen = set(projects or [])
    transport = GcpTransport(session)
    for parent in [f"folders/{f}" for f in folders or []] + [f"organizations/{o}" for o in organizations or []]:
        chosen.update(_projects_under(transport, parent))
    if not chosen:
        if folders or organizations:
            raise ScanAborted("no active project under the given folders or organizations")
        raise UsageError("choose projects with --project ID, --folder ID or --organization ID")
    wanted = needed("gcp", set(resource_types))
    inventory = collect_accounts(
        chosen, lambda project: transport, "gcp", wanted.specs, wanted.aggregates, max_workers, progress
    )
    return GcpScan(projects=sorted(chosen), inventory=inventory)


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
