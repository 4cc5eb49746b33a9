"""AWS resource-type declarations, one module per service.

Every module here exposes ``SPECS``; they are discovered, not listed, so adding
a service is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from scanner.providers.spec import Aggregate, ResourceSpec


def _modules():
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        yield importlib.import_module(f"{__name__}.{module_info.name}")


@lru_cache(maxsize=1)
def all_aggregates() -> tuple[Aggregate, ...]:
    """Account-level resources computed from collected ones (modules' ``AGGREGATES``)."""
    aggregates = [aggregate for module in _modules() for aggregate in getattr(module, "AGGREGATES", ())]
    return tuple(sorted(aggregates, key=lambda aggregate: aggregate.type))


@lru_cache(maxsize=1)
def all_specs() -> tuple[ResourceSpec, ...]:
    specs = [spec for module in _modules() for spec in getattr(module, "SPECS", ())]
    types = [spec.type for spec in specs] + [aggregate.type for aggregate in all_aggregates()]
    duplicates = {name for name in types if types.count(name) > 1}
    if duplicates:
        raise RuntimeError(f"resource types declared twice: {sorted(duplicates)}")
    return tuple(sorted(specs, key=lambda spec: spec.type))


def declared_fields(resource_type: str) -> tuple[str, ...] | None:
    """The config fields a resource type provides, or None if no such type is declared."""
    for declared in (*all_specs(), *all_aggregates()):
        if declared.type == resource_type:
            return declared.fields
    return None
