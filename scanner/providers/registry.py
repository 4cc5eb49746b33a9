"""Discovering resource-type declarations: every provider keeps one module per service.

Each module in a provider's ``services`` package exposes ``SPECS`` (and, for
account-level facts, ``AGGREGATES``); they are discovered, not listed, so adding
a service is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache

from scanner.providers.spec import Aggregate, ResourceSpec

PROVIDERS = ("aws", "azure", "gcp")


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
