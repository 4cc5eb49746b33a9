"""Resource types declared as data, in the manner of Cloud Custodian.

Each resource type, whatever the provider, says which service and list operation
enumerate it, which field is its id, which per-resource calls enrich it
(``Detail``) and which per-region calls it shares (``Lookup``). One generic
collector does the parallelism and error handling, and each provider's transport
does the paging and retries of its SDK, so adding a resource type is a
declaration plus a small ``normalize`` function, never a new loop.

``service`` and ``Call.operation`` are read by the provider's transport: for AWS a
boto3 service name and client method; for Azure a management client key and a
dotted operation path such as ``storage_accounts.list``. ``scope`` ``global``
means once per account (an AWS account, an Azure subscription).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import jmespath

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Call:
    """One read-only API call.

    ``params`` values may be templates: a string that is exactly ``"{path}"``
    takes the value at that JMESPath in the listed item (or a context variable:
    ``account``, ``region``, ``partition``) with its type kept; other strings
    with placeholders are formatted. ``result`` is a JMESPath into the
    (fully paginated) response. An error code in ``absent`` means "not
    configured" and yields ``None`` rather than an error. ``service``, if set,
    names a client of the same provider other than the spec's (e.g. an Azure
    compute lookup that lists network interfaces on the network client).
    """

    operation: str
    params: Mapping[str, Any] = field(default_factory=dict)
    result: str | None = None
    absent: tuple[str, ...] = ()
    service: str | None = None


@dataclass(frozen=True)
class Detail:
    """A per-resource call; if it fails, the config fields it ``provides`` are unavailable.

    With ``for_each`` (a JMESPath over the listed item and the details before
    this one) the call runs once per element, its templates filled from the
    element (``"{@}"`` for a plain value; for a dict element its keys, plus
    ``parent.*`` for the resource itself), and the result is the list of answers
    in element order. That covers APIs that only answer per sub-object, such as
    per access key or per database of a server.
    """

    name: str
    call: Call
    provides: tuple[str, ...]
    for_each: str | None = None


@dataclass(frozen=True)
class Lookup:
    """A per-region call shared by all resources of a type (e.g. flow logs by VPC)."""

    name: str
    call: Call
    provides: tuple[str, ...]


@dataclass(frozen=True)
class Context:
    account: str
    region: str
    partition: str

    def variables(self) -> dict[str, str]:
        return {"account": self.account, "region": self.region, "partition": self.partition}


@dataclass
class Item:
    """What a ``normalize`` function sees for one resource."""

    raw: dict[str, Any]
    details: dict[str, Any]
    lookups: dict[str, Any]
    context: Context


Normalizer = Callable[[Item], dict[str, Any]]
TagReader = Callable[[Item], dict[str, str]]


@dataclass(frozen=True)
class ResourceSpec:
    """Declaration of one resource type.

    ``listing`` is None for a singleton: one resource per account (``scope``
    ``global``) or per region (``regional``) whose id comes from context.
    ``fields`` is the exact set of config keys ``normalize`` returns; rules may
    only read these, and a test holds both sides to it.
    """

    type: str
    service: str
    scope: Literal["global", "regional"]
    listing: Call | None
    id: str
    name: str | None
    arn: str | None
    fields: tuple[str, ...]
    normalize: Normalizer
    details: tuple[Detail, ...] = ()
    lookups: tuple[Lookup, ...] = ()
    tags: TagReader | None = None
    region_field: str | None = None


def resolve(value: Any, item: Mapping[str, Any], context: Context) -> Any:
    """Fill templates in call parameters and identity fields (see ``Call``)."""
    if isinstance(value, Mapping):
        return {key: resolve(inner, item, context) for key, inner in value.items()}
    if isinstance(value, list):
        return [resolve(inner, item, context) for inner in value]
    if not isinstance(value, str):
        return value
    whole = _PLACEHOLDER.fullmatch(value)
    if whole:
        return _lookup(whole.group(1), item, context)
    return _PLACEHOLDER.sub(lambda match: str(_lookup(match.group(1), item, context)), value)


def _lookup(path: str, item: Mapping[str, Any], context: Context) -> Any:
    variables = context.variables()
    if path in variables:
        return variables[path]
    return jmespath.search(path, item)


def tag_list(path: str = "Tags", key: str = "Key", value: str = "Value") -> TagReader:
    """Tags kept as AWS's usual ``[{Key, Value}]`` list at ``path`` in the item or its details."""

    def read(item: Item) -> dict[str, str]:
        source = {**item.raw, **item.details}
        entries = jmespath.search(path, source) or []
        return {str(entry[key]): str(entry.get(value, "")) for entry in entries if key in entry}

    return read


@dataclass(frozen=True)
class Aggregate:
    """An account-level resource computed from other collected resources, with no API call.

    Used where a control is about the account as a whole (e.g. "some trail logs
    all regions"). If any source type could not be fully listed, every field is
    unavailable: an incomplete inventory cannot prove an account-wide property.
    """

    type: str
    sources: tuple[str, ...]
    name: str
    fields: tuple[str, ...]
    build: Callable[[list[Any]], dict[str, Any]]
