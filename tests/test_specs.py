"""Every resource-type declaration of every provider keeps the contract of ``scanner.providers.spec``.

A type's fields are not listed by hand: they are derived from its normalizers,
run on empty input when the type is declared. These checks hold every
declaration to what that derivation relies on, statically, so the collector
need not check each resource it builds: the normalizers accept empty input,
each field has exactly one producer, a failed call marks only declared fields
unavailable, no field shadows the reserved roots rules read, and rules read
only declared fields.
"""

from __future__ import annotations

import pytest

from scanner.models import RESERVED_ROOTS
from scanner.providers.registry import PROVIDERS, declarations, declared_fields
from scanner.providers.spec import Aggregate, ResourceSpec
from scanner.rules import load_rules

SPECS = [spec for provider in PROVIDERS for spec in declarations(provider).specs]
AGGREGATES = [aggregate for provider in PROVIDERS for aggregate in declarations(provider).aggregates]


def by_type(declared: ResourceSpec | Aggregate) -> str:
    return declared.type


def test_every_provider_declares_resource_types():
    for provider in PROVIDERS:
        specs = declarations(provider).specs
        assert specs, provider
        assert all(spec.type.startswith(f"{provider}.") for spec in specs), provider


@pytest.mark.parametrize("spec", SPECS, ids=by_type)
def test_fields_are_what_the_normalizers_return_on_empty_input(spec: ResourceSpec):
    # the spec normalize on an item where nothing was collected, each detail normalizer on None
    config = spec.config(spec.empty_item())
    assert spec.fields, f"{spec.type} has no field"
    assert tuple(config) == spec.fields
    for detail in spec.details:
        if detail.normalize is not None:
            assert tuple(detail.normalize(None)) == detail.own_fields, f"{spec.type}: detail {detail.name}"


@pytest.mark.parametrize("spec", SPECS, ids=by_type)
def test_no_field_has_two_producers(spec: ResourceSpec):
    producer: dict[str, str] = {}
    for source, keys in spec.sources().items():
        for key in keys:
            assert key not in producer, f"{spec.type}: {key!r} is produced by {producer[key]} and by {source}"
            producer[key] = source


@pytest.mark.parametrize("spec", SPECS, ids=by_type)
def test_provides_names_only_declared_fields(spec: ResourceSpec):
    fields = set(spec.fields)
    normalized = set(spec.sources().get("normalize", ()))
    for index, detail in enumerate(spec.details):
        assert set(detail.provides) <= fields, f"{spec.type}: detail {detail.name}"
        # fields listed beyond the detail's own come from the spec normalize, which may combine this
        # answer with others, or from a later for_each detail that iterates over this answer
        iterated = {field for later in spec.details[index + 1 :] if later.for_each for field in later.own_fields}
        extra = set(detail.provides) - set(detail.own_fields)
        stray = extra - normalized - iterated
        assert not stray, f"{spec.type}: detail {detail.name} provides {sorted(stray)}, which nothing computes from it"
    for lookup in spec.lookups:
        # a lookup answers for the whole region: only the spec normalize can join it to a resource
        assert lookup.provides, f"{spec.type}: lookup {lookup.name} provides nothing"
        assert set(lookup.provides) <= normalized, f"{spec.type}: lookup {lookup.name}"


@pytest.mark.parametrize("spec", SPECS, ids=by_type)
def test_calls_are_named_once_and_locate_by_a_field(spec: ResourceSpec):
    names = [detail.name for detail in spec.details] + [lookup.name for lookup in spec.lookups]
    assert len(names) == len(set(names)), f"{spec.type}: details and lookups share a name"
    assert spec.region_field is None or spec.region_field in spec.fields, spec.type


@pytest.mark.parametrize("declared", [*SPECS, *AGGREGATES], ids=by_type)
def test_fields_avoid_the_reserved_roots(declared: ResourceSpec | Aggregate):
    assert not set(declared.fields) & set(RESERVED_ROOTS), declared.type


@pytest.mark.parametrize("aggregate", AGGREGATES, ids=by_type)
def test_aggregates_build_from_declared_types(aggregate: Aggregate):
    assert aggregate.fields, aggregate.type
    assert tuple(aggregate.build([])) == aggregate.fields
    declared = {spec.type for spec in SPECS}
    assert set(aggregate.sources) <= declared, aggregate.type


def test_rules_read_only_declared_fields():
    for rule in load_rules():
        fields = declared_fields(rule.resource_type)
        assert fields is not None, f"{rule.id}: unknown resource type {rule.resource_type}"
        unknown = {field.split(".")[0] for field in rule.check.fields} - set(fields) - set(RESERVED_ROOTS)
        assert not unknown, f"{rule.id} reads undeclared fields {sorted(unknown)}"
