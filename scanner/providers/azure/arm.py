"""The shape every ARM resource declaration shares: id, name, location, tags, per-subscription scope.

Azure resources carry their identity the same way (``id``, ``name``,
``location``, ``tags``), so a declaration only says what differs: the service,
the list operation, the detail calls and the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.providers.spec import Call, Detail, Item, Lookup, ResourceSpec


def arm_tags(item: Item) -> dict[str, str]:
    return {str(key): str(value) for key, value in (item.raw.get("tags") or {}).items()}


def arm_resource(
    type: str,
    service: str,
    listing: Call,
    fields: tuple[str, ...],
    normalize: Callable[[Item], dict[str, Any]],
    details: tuple[Detail, ...] = (),
    lookups: tuple[Lookup, ...] = (),
) -> ResourceSpec:
    """A resource listed once per subscription, identified by its ARM id, located by ``location``."""
    return ResourceSpec(
        type=type,
        service=service,
        scope="global",
        listing=listing,
        id="{id}",
        name="{name}",
        arn="{id}",
        region_field="location",
        fields=fields,
        normalize=normalize,
        details=details,
        lookups=lookups,
        tags=arm_tags,
    )


def subscription_settings(
    type: str,
    service: str,
    fields: tuple[str, ...],
    normalize: Callable[[Item], dict[str, Any]],
    details: tuple[Detail, ...],
) -> ResourceSpec:
    """One resource per subscription for subscription-wide settings (diagnostics, Defender plans)."""
    return ResourceSpec(
        type=type,
        service=service,
        scope="global",
        listing=None,
        id="/subscriptions/{account}",
        name="subscription {account}",
        arn="/subscriptions/{account}",
        fields=fields,
        normalize=normalize,
        details=details,
    )
