"""The Azure provider: cloud and credential, subscriptions, one collector per subscription."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from scanner.errors import ScanAborted
from scanner.providers.azure import session
from scanner.providers.azure.cloud import resolve_cloud
from scanner.providers.azure.session import AzureSession
from scanner.providers.azure.transport import AzureTransport
from scanner.providers.base import (
    Collected,
    MissingTarget,
    Permissions,
    Provider,
    ProviderInput,
    resource_locations,
)
from scanner.providers.collector import CallFailed, Progress, collect_accounts
from scanner.providers.registry import needed
from scanner.providers.spec import Call
from scanner.settings import ApiSettings

# The subscription scanned when none is chosen, as the Azure CLI and SDK samples name it.
ENV_SUBSCRIPTION = "AZURE_SUBSCRIPTION_ID"


class AzureOptions(ProviderInput):
    """Which cloud (public, china, usgov, or custom endpoints) and tenant to authenticate in."""

    cloud: str = "public"
    tenant: str | None = None
    arm_endpoint: str | None = None
    authority_host: str | None = None
    token_audience: str | None = None


class AzureTarget(ProviderInput):
    """Subscriptions by id, or every enabled subscription the credential can see."""

    subscriptions: tuple[str, ...] = ()
    all_subscriptions: bool = False


class AzureProvider(Provider[AzureOptions, AzureTarget]):
    name = "azure"
    label = "Azure"
    target_type = "subscriptions"
    options_model = AzureOptions
    target_model = AzureTarget

    def open_session(self, options: AzureOptions, settings: ApiSettings) -> AzureSession:
        cloud = resolve_cloud(options.cloud, options.arm_endpoint, options.authority_host, options.token_audience)
        return session.open_session(cloud, options.tenant, settings.max_attempts, settings.timeout)

    def default_target(self, target: AzureTarget, azure_session: Any) -> AzureTarget:
        if target.subscriptions or target.all_subscriptions:
            return target
        if os.environ.get(ENV_SUBSCRIPTION):
            return AzureTarget(subscriptions=(os.environ[ENV_SUBSCRIPTION],))
        raise MissingTarget(self.name, f"no subscription chosen and ${ENV_SUBSCRIPTION} is not set")

    def collect(
        self,
        azure_session: AzureSession,
        target: AzureTarget,
        resource_types: Iterable[str],
        settings: ApiSettings,
        progress: Progress | None = None,
    ) -> Collected:
        target = self.default_target(target, azure_session)
        calls_before = azure_session.api_calls
        chosen = (
            _enabled_subscriptions(azure_session) if target.all_subscriptions else sorted(set(target.subscriptions))
        )
        wanted = needed(self.name, set(resource_types))
        inventory = collect_accounts(
            chosen,
            lambda subscription: AzureTransport(azure_session, subscription),
            wanted.specs,
            wanted.aggregates,
            settings.max_workers,
            progress,
        )
        inventory.api_calls = azure_session.api_calls - calls_before  # the subscription listing included
        return Collected(accounts=chosen, regions=resource_locations(inventory), inventory=inventory)

    def permissions(self) -> Permissions:
        return Permissions(
            summary=(
                "Reader on each subscription covers every management-plane read (Key Vault key and secret metadata "
                "included, never values) and Defender for Cloud pricing; the MFA checks read Microsoft Graph with "
                "the application permission Policy.Read.All."
            ),
            roles=("Reader", "Microsoft Graph application permission: Policy.Read.All"),
        )


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


PROVIDER = AzureProvider()
