"""Resource types declared as data, in the manner of Cloud Custodian.

Each resource type, whatever the provider, says which service and list operation
enumerate it, which field is its id, which per-resource calls enrich it
(``Detail``) and which per-region calls it shares (``Lookup``). One generic
collector does the parallelism and error handling, and each provider's transport
does the paging and retries of its SDK, so adding a resource type is a
declaration plus small normalizers, never a new loop.

A resource type's config fields are declared once, by the functions that compute
them: the spec's ``normalize`` (fields of the listed item, and fields combining
several calls) and each detail's own ``normalize`` (fields of that one call's
answer). ``ResourceSpec.fields`` and ``Detail.provides`` are derived from them,
by running them on empty input, so the field list rules are checked against can
never drift from what the collector produces. ``tests/test_specs.py`` holds
every declaration to that contract.

``service`` and ``Call.operation`` are read by the provider's transport: for AWS a
boto3 service name and client method; for Azure a management client key and a
dotted operation path such as ``storage_accounts.list``; for Google Cloud a client
key (a GAPIC client such as ``kms``, or a discovery API and collection such as
``compute.firewalls``) and the method on it, dotted for nested discovery
collections such as ``projects.serviceAccounts.list``. ``scope`` ``global`` means
once per account (an AWS account, an Azure subscription, a Google Cloud project).
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
    ``account``, ``region``, and on AWS ``partition``) with its type kept; other
    strings with placeholders are formatted. ``result`` is a JMESPath into the
    (fully paginated) response. An error code in ``absent`` means "not
    configured" and yields ``None`` rather than an error; ``absent_when`` does
    the same for a (code, message fragment) pair, for APIs that say "not
    configured" with a code that also means something else (Macie answers
    "Macie is not enabled" with AccessDeniedException, the code of an IAM
    denial, which must stay an error). ``service``, if set, names a client of
    the same provider other than the spec's (e.g. an Azure compute lookup that
    lists network interfaces on the network client).
    """

    operation: str
    params: Mapping[str, Any] = field(default_factory=dict)
    result: str | None = None
    absent: tuple[str, ...] = ()
    service: str | None = None
    absent_when: tuple[tuple[str, str], ...] = ()

    def means_absent(self, code: str, message: str) -> bool:
        """Whether a failure with this code and message means "not configured"."""
        return code in self.absent or any(code == known and part in message for known, part in self.absent_when)


DetailNormalizer = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Detail:
    """A per-resource call; if it fails, the config fields it ``provides`` are unavailable.

    ``normalize`` turns this call's answer alone into the config fields it
    contributes. It is also called with ``None`` (the call failed, or answered
    with an ``absent`` code), so it must accept ``None`` and always return the
    same keys: those keys are what the detail provides, derived rather than
    listed. ``provides`` names further fields the spec-level normalize computes
    from this answer together with other input (another detail, a lookup, the
    listed item, the context); after construction it holds both, every field a
    failure of this call leaves unknown. A detail with neither (tags read by the
    spec's tag reader) provides nothing.

    With ``for_each`` (a JMESPath over the listed item and the details before
    this one) the call runs once per element, its templates filled from the
    element (``"{@}"`` for a plain value; for a dict element its keys, plus
    ``parent.*`` for the resource itself), and the answer is the list of answers
    in element order. That covers APIs that only answer per sub-object, such as
    per access key or per database of a server. A detail that a ``for_each``
    reads must also provide the for_each detail's fields: if it fails there is
    nothing to iterate over, and an empty list would pass for a real answer.
    """

    name: str
    call: Call
    normalize: DetailNormalizer | None = None
    provides: tuple[str, ...] = ()
    for_each: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "provides", tuple(dict.fromkeys((*self.own_fields, *self.provides))))

    @property
    def own_fields(self) -> tuple[str, ...]:
        """The fields this detail's ``normalize`` returns (none without one)."""
        if self.normalize is None:
            return ()
        try:
            return tuple(self.normalize(None))
        except Exception as exc:
            raise TypeError(f"detail {self.name!r}: normalize must accept None (the call failed)") from exc


@dataclass(frozen=True)
class Lookup:
    """A per-region call shared by all resources of a type (e.g. flow logs by VPC).

    A lookup's answer covers every resource of the region, so only the spec-level
    normalize, which knows the resource, can use it: ``provides`` lists the fields
    it computes from it.
    """

    name: str
    call: Call
    provides: tuple[str, ...]


@dataclass(frozen=True)
class Context:
    """Where a resource was collected. ``partition`` (``aws``, ``aws-cn``, ``aws-us-gov``) is AWS's
    alone, for the ARNs it builds; other providers leave it None and their templates cannot use it."""

    account: str
    region: str
    partition: str | None = None

    def variables(self) -> dict[str, str]:
        found = {"account": self.account, "region": self.region}
        if self.partition is not None:
            found["partition"] = self.partition
        return found


@dataclass
class Item:
    """What a ``normalize`` function sees for one resource."""

    raw: dict[str, Any]
    details: dict[str, Any]
    lookups: dict[str, Any]
    context: Context


Normalizer = Callable[[Item], dict[str, Any]]
TagReader = Callable[[Item], dict[str, str]]

_NO_CONTEXT = Context(account="", region="")


@dataclass(frozen=True)
class ResourceSpec:
    """Declaration of one resource type.

    ``listing`` is None for a singleton: one resource per account (``scope``
    ``global``) or per region (``regional``) whose id comes from context.

    ``normalize`` returns the config fields read from the listed item, the
    lookups or the context, and those combining several calls; each detail's own
    ``normalize`` adds the fields of its answer alone (see ``config``). Both run on an empty item (raw ``{}``, every
    detail and lookup ``None``) when the spec is declared, and must return the
    same keys whatever their input: ``fields``, the config keys rules may read,
    is derived from that run, so it is never written by hand.
    """

    type: str
    service: str
    scope: Literal["global", "regional"]
    listing: Call | None
    id: str
    name: str | None
    arn: str | None
    normalize: Normalizer | None = None
    details: tuple[Detail, ...] = ()
    lookups: tuple[Lookup, ...] = ()
    tags: TagReader | None = None
    region_field: str | None = None
    fields: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        produced = [key for keys in self.sources().values() for key in keys]
        object.__setattr__(self, "fields", tuple(dict.fromkeys(produced)))

    def config(self, item: Item) -> dict[str, Any]:
        """The resource's config: the spec's ``normalize``, then each detail's own fields."""
        config = dict(self.normalize(item)) if self.normalize else {}
        for detail in self.details:
            if detail.normalize is not None:
                config.update(detail.normalize(item.details.get(detail.name)))
        return config

    def empty_item(self) -> Item:
        """What the normalizers see when nothing is known: what ``fields`` is derived from."""
        return Item(
            raw={},
            details={detail.name: None for detail in self.details},
            lookups={lookup.name: None for lookup in self.lookups},
            context=_NO_CONTEXT,
        )

    def sources(self) -> dict[str, tuple[str, ...]]:
        """Which fields each normalizer produces: ``normalize`` and ``detail <name>``."""
        found: dict[str, tuple[str, ...]] = {}
        if self.normalize is not None:
            try:
                found["normalize"] = tuple(self.normalize(self.empty_item()))
            except Exception as exc:
                raise TypeError(f"{self.type}: normalize must accept an empty item (nothing collected)") from exc
        for detail in self.details:
            found[f"detail {detail.name}"] = detail.own_fields
        return found


def singleton(
    type: str,
    service: str,
    details: tuple[Detail, ...],
    normalize: Normalizer | None = None,
    *,
    id: str,
    name: str,
    arn: str | None = None,
    scope: Literal["global", "regional"] = "global",
) -> ResourceSpec:
    """Settings that exist once per account (subscription, project, tenant) or, ``regional``, once per region.

    Nothing is listed: the resource is identified from context (``{account}``,
    ``{region}``) and its fields come from detail calls, so a denied call makes
    its fields unavailable on that one resource rather than dropping it.
    """
    return ResourceSpec(
        type=type,
        service=service,
        scope=scope,
        listing=None,
        id=id,
        name=name,
        arn=arn,
        normalize=normalize,
        details=details,
    )


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
    ``fields`` is derived from ``build`` run on no resources, which it must accept.
    """

    type: str
    sources: tuple[str, ...]
    name: str
    build: Callable[[list[Any]], dict[str, Any]]
    fields: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        try:
            built = self.build([])
        except Exception as exc:
            raise TypeError(f"{self.type}: build must accept an empty list of resources") from exc
        object.__setattr__(self, "fields", tuple(built))
