"""The shape every ARM resource declaration shares: id, name, location, tags, per-subscription scope.

Azure resources carry their identity the same way (``id``, ``name``,
``location``, ``tags``), so a declaration only says what differs: the service,
the list operation, the detail calls and the normalizers that make the fields.
Every ARM resource's config carries its ``location`` (the resource's region),
added here once rather than by each normalizer.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, Item, Lookup, Normalizer, ResourceSpec, singleton


def arm_tags(item: Item) -> dict[str, str]:
    return {str(key): str(value) for key, value in (item.raw.get("tags") or {}).items()}


def _with_location(normalize: Normalizer | None) -> Normalizer:
    def located(item: Item) -> dict[str, Any]:
        return {"location": item.raw.get("location"), **(normalize(item) if normalize else {})}

    return located


def arm_resource(
    type: str,
    service: str,
    listing: Call,
    normalize: Normalizer | None = None,
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
        normalize=_with_location(normalize),
        details=details,
        lookups=lookups,
        tags=arm_tags,
    )


def subscription_settings(
    type: str,
    service: str,
    details: tuple[Detail, ...],
    normalize: Normalizer | None = None,
) -> ResourceSpec:
    """One resource per subscription for subscription-wide settings (diagnostics, Defender plans)."""
    return singleton(
        type,
        service,
        details,
        normalize,
        id="/subscriptions/{account}",
        name="subscription {account}",
        arn="/subscriptions/{account}",
    )
