"""Entry point of the Azure adapter: credential, subscriptions, one collector per subscription."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scanner.errors import ScanAborted, UsageError
from scanner.providers.azure.session import AzureSession
from scanner.providers.azure.transport import AzureTransport
from scanner.providers.collector import CallFailed, Inventory, Progress, collect_accounts
from scanner.providers.registry import needed
from scanner.providers.spec import Call


@dataclass
class AzureScan:
    subscriptions: list[str]
    inventory: Inventory


def scan_azure(
    session: AzureSession,
    resource_types: Iterable[str],
    subscriptions: list[str] | None = None,
    all_subscriptions: bool = False,
    max_workers: int = 8,
    progress: Progress | None = None,
) -> AzureScan:
    """Collect the given resource types from each chosen subscription."""
    if not subscriptions and not all_subscriptions:
        raise UsageError("choose subscriptions with --subscription ID (repeatable) or --all-subscriptions")
    if all_subscriptions:
        subscriptions = _enabled_subscriptions(session)
    wanted = needed("azure", set(resource_types))
    chosen = sorted(set(subscriptions or []))
    inventory = collect_accounts(
        chosen,
        lambda subscription: AzureTransport(session, subscription),
        session.cloud.name,
        wanted.specs,
        wanted.aggregates,
        max_workers,
        progress,
    )
    return AzureScan(subscriptions=chosen, inventory=inventory)


def _enabled_subscriptions(session: AzureSession) -> list[str]:
    transport = AzureTransport(session, "")
    try:
        listed: list[dict[str, Any]] = transport.call("subscriptions", "global", Call("subscriptions.list"), {})
    except CallFailed as failure:
        raise ScanAborted(f"cannot list subscriptions: {failure.code}: {failure.message}") from None
    enabled = sorted(item["subscriptionId"] for item in listed if item.get("state") in ("Enabled", "Warned"))
    if not enabled:
        raise ScanAborted("the credential can see no enabled subscription")
    return enabled
