"""The one generic query manager: parallel listing and enrichment, errors recorded.

Work runs in two parallel phases over a bounded thread pool: (1) list every
declared resource type in every region it lives in, with its per-region
lookups; (2) run each listed resource's detail calls. Any failure is recorded,
never dropped: a failed listing becomes a ``ScanError`` that the engine turns
into ERROR findings, a failed detail or lookup marks the fields it provides as
unavailable on the resource. How a call is made (SDK, paging, retries) is the
provider's ``Transport``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import jmespath

from scanner.models import Resource, ScanError
from scanner.providers.spec import Aggregate, Call, Context, Item, ResourceSpec, resolve

GLOBAL = "global"
Progress = Callable[[int], None]


class CallFailed(Exception):
    """A call failed for good (after the transport's retries), with a short code and message."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Transport(Protocol):
    """Makes one read-only call with a provider's SDK; pages fully; raises ``CallFailed``."""

    provider: str

    def call(self, service: str, region: str, call: Call, params: dict[str, Any]) -> Any: ...

    @property
    def api_calls(self) -> int: ...


@dataclass
class Inventory:
    """What a collection found. ``api_calls`` counts the calls the collection itself made; calls a
    provider makes before it (identity, region or project discovery) are the provider's to add."""

    resources: list[Resource] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    api_calls: int = 0


@dataclass
class _Listed:
    spec: ResourceSpec
    context: Context
    raw: dict[str, Any]
    lookups: dict[str, Any]
    lookup_failures: dict[str, str]


def _element_item(element: Any, raw: dict[str, Any]) -> Any:
    """What a ``for_each`` call's templates read: the element, and for dict elements ``parent`` (the resource)."""
    return {**element, "parent": raw} if isinstance(element, dict) else element


class _OnceEach:
    """Makes each distinct call once per collection, however many resource types ask for it.

    Several types read the same answer (RDS instances for instances, clusters and
    parameter groups); the first asker calls, concurrent askers wait for its answer,
    and a failure is shared the same way, so every type reports the same error.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, ...], Future[Any]] = {}

    def answer(self, key: tuple[str, ...], make: Callable[[], Any]) -> Any:
        with self._lock:
            future = self._answers.get(key)
            first = future is None
            if first:
                future = self._answers[key] = Future()
        if first:
            try:
                future.set_result(make())
            except BaseException as error:  # shared with every waiter; a bug must not leave them hanging
                future.set_exception(error)
        try:
            return future.result()
        except CallFailed as failure:
            raise CallFailed(failure.code, failure.message) from None


class Collector:
    """Collects one account's declared resource types.

    ``partition`` is AWS's (``aws``, ``aws-cn``, ``aws-us-gov``), for the ARN
    templates of its declarations; other providers have no such notion and leave
    it None.
    """

    def __init__(
        self,
        transport: Transport,
        account: str,
        regions: list[str],
        global_region: str,
        specs: Iterable[ResourceSpec],
        aggregates: Iterable[Aggregate] = (),
        max_workers: int = 8,
        progress: Progress | None = None,
        *,
        partition: str | None = None,
    ):
        self.transport = transport
        self.account = account
        self.partition = partition
        self.regions = regions
        self.global_region = global_region
        self.specs = list(specs)
        self.aggregates = list(aggregates)
        self.max_workers = max_workers
        self.progress = progress or (lambda done: None)
        self._once = _OnceEach()

    def collect(self) -> Inventory:
        inventory = Inventory()
        # A transport's counter may span several collections (Azure's session counts for every subscription,
        # GCP's transport serves every project): count this run's calls only.
        calls_before = self.transport.api_calls
        listing_tasks = [
            (spec, region)
            for spec in self.specs
            for region in (self.regions if spec.scope == "regional" else [self.global_region])
        ]
        with ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="cloudscan") as executor:
            listed: list[_Listed] = []
            for items, error in executor.map(lambda task: self._list(*task), listing_tasks):
                listed.extend(items)
                if error is not None:
                    inventory.errors.append(error)
                self.progress(1)
            inventory.resources.extend(executor.map(self._enrich, listed))
        inventory.resources.extend(self._aggregate(inventory))
        inventory.resources.sort(key=lambda resource: (resource.type, resource.region, resource.id))
        inventory.errors.sort(key=lambda error: (error.service, error.region, error.operation))
        inventory.api_calls = self.transport.api_calls - calls_before
        return inventory

    # -- phase 1 -------------------------------------------------------------

    def _list(self, spec: ResourceSpec, region: str) -> tuple[list[_Listed], ScanError | None]:
        context = Context(account=self.account, region=region, partition=self.partition)
        try:
            raws = self._list_items(spec, context)
        except CallFailed as failure:
            operation = spec.listing.operation if spec.listing else spec.type
            return [], self._error(spec, context, operation, failure)
        lookups: dict[str, Any] = {}
        failures: dict[str, str] = {}
        if raws:
            for lookup in spec.lookups:
                try:
                    lookups[lookup.name] = self._call(spec.service, region, lookup.call, {}, context)
                except CallFailed as failure:
                    for provided in lookup.provides:
                        failures[provided] = f"{lookup.call.operation} failed: {failure}"
        return [_Listed(spec, context, raw, lookups, failures) for raw in raws], None

    def _list_items(self, spec: ResourceSpec, context: Context) -> list[dict[str, Any]]:
        if spec.listing is None:
            return [{}]
        result = self._call(spec.service, context.region, spec.listing, {}, context)
        return [entry for entry in (result or []) if isinstance(entry, dict)]

    # -- phase 2 -------------------------------------------------------------

    def _enrich(self, listed: _Listed) -> Resource:
        spec, context, raw = listed.spec, listed.context, listed.raw
        details: dict[str, Any] = {}
        unavailable = dict(listed.lookup_failures)
        for detail in spec.details:
            try:
                if detail.for_each is None:
                    details[detail.name] = self._call(spec.service, context.region, detail.call, raw, context)
                else:
                    elements = jmespath.search(detail.for_each, {**raw, **details}) or []
                    details[detail.name] = [
                        self._call(spec.service, context.region, detail.call, _element_item(element, raw), context)
                        for element in elements
                    ]
            except CallFailed as failure:
                details[detail.name] = None
                for provided in detail.provides:
                    unavailable.setdefault(provided, f"{detail.call.operation} failed: {failure}")
        item = Item(raw=raw, details=details, lookups=listed.lookups, context=context)
        # Its keys are spec.fields by construction; tests/test_specs.py proves it for every declaration.
        config = spec.config(item)
        region = config.get(spec.region_field) if spec.region_field else None
        resource_id = str(resolve(spec.id, raw, context))
        return Resource(
            provider=self.transport.provider,
            account=context.account,
            region=str(region or (context.region if spec.scope == "regional" else GLOBAL)),
            type=spec.type,
            id=resource_id,
            arn=resolve(spec.arn, raw, context) if spec.arn else None,
            name=str(resolve(spec.name, raw, context)) if spec.name else resource_id,
            tags=spec.tags(item) if spec.tags else {},
            config=config,
            unavailable=unavailable,
        )

    def _aggregate(self, inventory: Inventory) -> list[Resource]:
        built = []
        for aggregate in self.aggregates:
            sources = [resource for resource in inventory.resources if resource.type in aggregate.sources]
            listing_errors = [error for error in inventory.errors if error.resource_type in aggregate.sources]
            unavailable: dict[str, str] = {}
            if listing_errors:
                first = listing_errors[0]
                reason = f"{first.operation} failed in {first.region}: {first.code}: {first.message}"
                unavailable = {name: reason for name in aggregate.fields}
            built.append(
                Resource(
                    provider=self.transport.provider,
                    account=self.account,
                    region=GLOBAL,
                    type=aggregate.type,
                    id=self.account,
                    name=aggregate.name,
                    arn=None,
                    config=aggregate.build(sources),
                    unavailable=unavailable,
                )
            )
        return built

    # -- calls ---------------------------------------------------------------

    def _call(self, service: str, region: str, call: Call, item: dict[str, Any], context: Context) -> Any:
        params = resolve(dict(call.params), item, context)
        client = call.service or service
        key = (client, region, call.operation, json.dumps(params, sort_keys=True, default=str))
        try:
            response = self._once.answer(key, lambda: self.transport.call(client, region, call, params))
        except CallFailed as failure:
            if call.means_absent(failure.code, failure.message):
                return None
            raise
        return jmespath.search(call.result, response) if call.result else response

    def _error(self, spec: ResourceSpec, context: Context, operation: str, failure: CallFailed) -> ScanError:
        return ScanError(
            provider=self.transport.provider,
            account=context.account,
            region=context.region if spec.scope == "regional" else GLOBAL,
            service=spec.service,
            operation=operation,
            resource_type=spec.type,
            code=failure.code,
            message=failure.message,
        )


def collect_accounts(
    accounts: Iterable[str],
    transport_for: Callable[[str], Transport],
    specs: Iterable[ResourceSpec],
    aggregates: Iterable[Aggregate],
    max_workers: int = 8,
    progress: Progress | None = None,
) -> Inventory:
    """Collect the same declarations from several accounts (subscriptions, projects), one after another.

    These providers list per account rather than per region, so each account is
    one ``global`` scope; the accounts' inventories are merged into one, their
    API calls summed (each collection counts its own, so a counter shared by
    all accounts, as Azure's and GCP's are, is not counted twice).
    """
    specs, aggregates = list(specs), list(aggregates)
    inventory = Inventory()
    for account in sorted(set(accounts)):
        transport = transport_for(account)
        found = Collector(transport, account, [GLOBAL], GLOBAL, specs, aggregates, max_workers, progress).collect()
        inventory.resources.extend(found.resources)
        inventory.errors.extend(found.errors)
        inventory.api_calls += found.api_calls
    return inventory
