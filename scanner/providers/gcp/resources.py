"""The shapes Google Cloud resource declarations share: self-linked resources and project settings.

Compute Engine, Cloud SQL and Cloud Storage resources carry their identity the
same way: a ``name``, a numeric or name-like ``id`` and a ``selfLink``, the full
API URL that names the resource uniquely across projects. They are listed once
per project (``scope`` ``global``; a zonal or regional resource reports its
location through ``region_field``), so a declaration only says what differs:
the API, the list call, the detail calls and the normalizers that make the
fields. Project-wide settings (the IAM policy, log sinks) are one resource per
project, named after it.
"""

from __future__ import annotations

from scanner.providers.spec import Call, Detail, Item, Lookup, Normalizer, ResourceSpec, TagReader, singleton


def labels(item: Item) -> dict[str, str]:
    """A resource's ``labels``, Google Cloud's tags."""
    return {str(key): str(value) for key, value in (item.raw.get("labels") or {}).items()}


def self_linked(
    type: str,
    service: str,
    listing: Call,
    normalize: Normalizer | None = None,
    details: tuple[Detail, ...] = (),
    lookups: tuple[Lookup, ...] = (),
    region_field: str | None = None,
    tags: TagReader | None = None,
    id: str = "{selfLink}",
) -> ResourceSpec:
    """A resource listed once per project, named by ``name``, identified by its ``selfLink``.

    ``id`` may name another unique field where the resource id must stay what it
    has always been (finding ids and baselines are keyed by it).
    """
    return ResourceSpec(
        type=type,
        service=service,
        scope="global",
        listing=listing,
        id=id,
        name="{name}",
        arn="{selfLink}",
        normalize=normalize,
        details=details,
        lookups=lookups,
        tags=tags,
        region_field=region_field,
    )


def project_settings(
    type: str,
    service: str,
    details: tuple[Detail, ...],
    normalize: Normalizer | None = None,
) -> ResourceSpec:
    """One resource per project for project-wide settings (IAM policy, log sinks)."""
    return singleton(type, service, details, normalize, id="projects/{account}", name="{account}")
