"""The providers cloudscan knows, and the resource-type declarations of each.

``PROVIDERS`` is the single list of providers: the CLI's choices, the GitHub
Action's input check and the tests all read it. A provider object is imported
only when asked for (``load_provider``), so listing providers never imports a
cloud SDK, and a provider whose optional extra is missing fails with one line.

Each module in a provider's ``services`` package exposes ``SPECS`` (and, for
account-level facts, ``AGGREGATES``); they are discovered, not listed, so adding
a service is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache

from scanner.errors import UsageError
from scanner.providers.base import MissingExtra, Provider
from scanner.providers.spec import Aggregate, ResourceSpec

PROVIDERS = ("aws", "azure", "gcp")
# The pip extra each provider's SDKs come with (None: installed with cloudscan itself).
EXTRAS: dict[str, str | None] = {"aws": None, "azure": "azure", "gcp": "gcp"}
# Modules whose absence means "the extra is not installed" (checked on every load, before the provider module).
_EXTRA_MODULES = {
    "aws": ("boto3", "botocore"),
    "azure": ("azure.core", "azure.identity", "azure.mgmt.resource"),
    "gcp": ("google.auth", "google.cloud.compute_v1", "googleapiclient", "httplib2"),
}
_LABELS = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud"}


def load_provider(name: str) -> Provider:
    """The provider object of ``scanner.providers.<name>.provider``; ``MissingExtra`` if its SDKs are absent."""
    if name not in PROVIDERS:
        raise UsageError(f"unknown provider {name!r} (choose from {', '.join(PROVIDERS)})")
    for required in _EXTRA_MODULES[name]:
        try:
            importlib.import_module(required)
        except ImportError:
            raise MissingExtra(name, _LABELS[name], EXTRAS[name], required) from None
    return importlib.import_module(f"scanner.providers.{name}.provider").PROVIDER


@dataclass(frozen=True)
class Declarations:
    specs: tuple[ResourceSpec, ...]
    aggregates: tuple[Aggregate, ...]


@cache
def declarations(provider: str) -> Declarations:
    package = importlib.import_module(f"scanner.providers.{provider}.services")
    modules = [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name)
    ]
    specs = [spec for module in modules for spec in getattr(module, "SPECS", ())]
    aggregates = [aggregate for module in modules for aggregate in getattr(module, "AGGREGATES", ())]
    types = [spec.type for spec in specs] + [aggregate.type for aggregate in aggregates]
    duplicates = sorted({name for name in types if types.count(name) > 1})
    if duplicates:
        raise RuntimeError(f"resource types declared twice: {duplicates}")
    return Declarations(
        specs=tuple(sorted(specs, key=lambda spec: spec.type)),
        aggregates=tuple(sorted(aggregates, key=lambda aggregate: aggregate.type)),
    )


def declared_fields(resource_type: str) -> tuple[str, ...] | None:
    """The config fields a resource type provides, or None if no such type is declared."""
    provider = resource_type.split(".", 1)[0]
    if provider not in PROVIDERS:
        return None
    found = declarations(provider)
    for declared in (*found.specs, *found.aggregates):
        if declared.type == resource_type:
            return declared.fields
    return None


def needed(provider: str, resource_types: set[str]) -> Declarations:
    """The declarations a scan of ``resource_types`` needs, aggregates' sources included."""
    found = declarations(provider)
    aggregates = tuple(aggregate for aggregate in found.aggregates if aggregate.type in resource_types)
    wanted = set(resource_types).union(*(aggregate.sources for aggregate in aggregates))
    return Declarations(specs=tuple(spec for spec in found.specs if spec.type in wanted), aggregates=aggregates)
