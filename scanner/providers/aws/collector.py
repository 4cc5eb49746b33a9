"""The one generic query manager for AWS: paging, retries, parallelism, errors.

Work runs in two parallel phases over a bounded thread pool: (1) list every
declared resource type in every region it lives in, with its per-region
lookups; (2) run each listed resource's detail calls. Any failure is recorded,
never dropped: a failed listing becomes a ``ScanError`` that the engine turns
into ERROR findings, a failed detail or lookup marks the fields it provides as
unavailable on the resource.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import jmespath
from botocore.exceptions import BotoCoreError, ClientError

from scanner.models import Resource, ScanError
from scanner.providers.aws.session import ClientPool, Identity
from scanner.providers.aws.spec import Aggregate, Call, Context, Item, ResourceSpec, resolve

GLOBAL = "global"
log = logging.getLogger(__name__)
Progress = Callable[[int], None]


@dataclass
class Inventory:
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


class CallFailed(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def describe_error(exc: Exception) -> tuple[str, str]:
    """A short (code, message) for an SDK error, one line, no request payloads."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code") or str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "ClientError"))
        message = error.get("Message") or str(exc)
    elif isinstance(exc, BotoCoreError):
        code = type(exc).__name__.removesuffix("Error") or "BotoCore"
        if "Timeout" in code:
            code = "Timeout"
        message = str(exc)
    else:
        code, message = type(exc).__name__, str(exc)
    if code.isdigit():
        code, message = _from_unparsed_body(code, message)
    message = " ".join(message.split())
    return code, message[:300]


_HTTP_CODES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "AccessDenied",
    "404": "NotFound",
    "429": "Throttling",
}


def _from_unparsed_body(status: str, message: str) -> tuple[str, str]:
    """An error whose body botocore could not parse (e.g. XML from a JSON-protocol endpoint)."""
    code = re.search(r"<Code>([^<]+)</Code>", message)
    text = re.search(r"<Message>([^<]+)</Message>", message)
    return (
        code.group(1) if code else _HTTP_CODES.get(status, f"HTTP{status}"),
        text.group(1) if text else re.sub(r"<[^>]+>", " ", message),
    )


class AwsCollector:
    def __init__(
        self,
        pool: ClientPool,
        identity: Identity,
        regions: list[str],
        specs: Iterable[ResourceSpec],
        aggregates: Iterable[Aggregate] = (),
        max_workers: int = 8,
        progress: Progress | None = None,
    ):
        self.pool = pool
        self.identity = identity
        self.regions = regions
        self.specs = list(specs)
        self.aggregates = list(aggregates)
        self.max_workers = max_workers
        self.progress = progress or (lambda done: None)

    def collect(self) -> Inventory:
        inventory = Inventory()
        global_region = self.pool.global_region(self.identity.partition)
        listing_tasks = [
            (spec, region)
            for spec in self.specs
            for region in (self.regions if spec.scope == "regional" else [global_region])
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
        inventory.api_calls = self.pool.api_calls
        return inventory

    # -- phase 1 -------------------------------------------------------------

    def _list(self, spec: ResourceSpec, region: str) -> tuple[list[_Listed], ScanError | None]:
        context = Context(account=self.identity.account, region=region, partition=self.identity.partition)
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
                        self._call(spec.service, context.region, detail.call, element, context) for element in elements
                    ]
            except CallFailed as failure:
                details[detail.name] = None
                for provided in detail.provides:
                    unavailable.setdefault(provided, f"{detail.call.operation} failed: {failure}")
        item = Item(raw=raw, details=details, lookups=listed.lookups, context=context)
        config = spec.normalize(item)
        if set(config) != set(spec.fields):
            raise RuntimeError(
                f"{spec.type}: normalize returned {sorted(config)} but the spec declares {sorted(spec.fields)}"
            )
        region = config.get(spec.region_field) if spec.region_field else None
        resource_id = str(resolve(spec.id, raw, context))
        return Resource(
            provider="aws",
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
            config = aggregate.build(sources)
            built.append(
                Resource(
                    provider="aws",
                    account=self.identity.account,
                    region=GLOBAL,
                    type=aggregate.type,
                    id=self.identity.account,
                    name=aggregate.name,
                    arn=None,
                    config=config,
                    unavailable=unavailable,
                )
            )
        return built

    # -- calls ---------------------------------------------------------------

    def _call(self, service: str, region: str, call: Call, item: dict[str, Any], context: Context) -> Any:
        client = self.pool.client(service, region)
        params = resolve(dict(call.params), item, context)
        log.debug("calling %s.%s in %s", service, call.operation, region)
        try:
            if client.can_paginate(call.operation):
                paginator = client.get_paginator(call.operation)
                response = paginator.paginate(**params).build_full_result()
            else:
                response = getattr(client, call.operation)(**params)
        except (ClientError, BotoCoreError) as exc:
            code, message = describe_error(exc)
            if code in call.absent:
                return None
            log.debug("%s.%s in %s failed: %s", service, call.operation, region, code)
            raise CallFailed(code, message) from None
        if isinstance(response, dict):
            response.pop("ResponseMetadata", None)
        return jmespath.search(call.result, response) if call.result else response

    def _error(self, spec: ResourceSpec, context: Context, operation: str, failure: CallFailed) -> ScanError:
        return ScanError(
            provider="aws",
            account=context.account,
            region=context.region if spec.scope == "regional" else GLOBAL,
            service=spec.service,
            operation=operation,
            resource_type=spec.type,
            code=failure.code,
            message=failure.message,
        )
