"""One scan, end to end, for any provider: select rules, collect, evaluate, attach controls, summarize.

This module imports no cloud SDK: the provider object does, when it is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from fnmatch import fnmatchcase
from typing import Any

from scanner import __version__
from scanner.engine import evaluate
from scanner.errors import UsageError
from scanner.mappings import ControlIndex, catalogues, rule_maps
from scanner.models import Rule, RuleRecord, ScanMeta, ScanParams, ScanResult, Severity, summarize
from scanner.providers.base import Collected, Provider, ProviderInput, account_label
from scanner.providers.collector import Progress
from scanner.providers.registry import load_provider
from scanner.rules import load_rules
from scanner.settings import ApiSettings


def select_rules(
    rules: Iterable[Rule],
    provider: str,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    severities: Sequence[Severity] = (),
    frameworks: Sequence[str] = (),
) -> list[Rule]:
    """Filter rules by provider, id patterns (globs allowed), severity and mapped framework.

    An ``include`` pattern that matches no rule is a usage error: a typo must not
    silently scan nothing.
    """
    candidates = [rule for rule in rules if rule.provider == provider]
    for pattern in (*include, *exclude):
        if not any(fnmatchcase(rule.id, pattern) for rule in candidates):
            raise UsageError(f"no {provider} rule matches {pattern!r} (see `cloudscan rules list`)")
    selected = []
    for rule in candidates:
        if include and not any(fnmatchcase(rule.id, pattern) for pattern in include):
            continue
        if any(fnmatchcase(rule.id, pattern) for pattern in exclude):
            continue
        if severities and rule.severity not in severities:
            continue
        if frameworks and not {mapping.framework for mapping in rule_maps().get(rule.id, ())} & set(frameworks):
            continue
        selected.append(rule)
    if not selected:
        raise UsageError("the rule filters leave no rule to run")
    return selected


def run_scan(
    provider: Provider | str,
    session: Any,
    target: ProviderInput | None = None,
    rules: Sequence[Rule] | None = None,
    settings: ApiSettings | None = None,
    params: ScanParams | None = None,
    *,
    progress: Progress | None = None,
    frameworks: Sequence[str] = (),
) -> ScanResult:
    """Scan ``target`` through ``session`` with ``rules`` (default: all of the provider's rules).

    An empty ``target`` means the provider's default (the credentials' account, the
    ``AZURE_SUBSCRIPTION_ID`` subscription, the ADC project), which ``collect`` resolves.
    """
    provider = load_provider(provider) if isinstance(provider, str) else provider
    rules = list(rules) if rules is not None else select_rules(load_rules(), provider.name)
    settings = settings or ApiSettings()
    target = target or provider.target_model()
    started = datetime.now(timezone.utc)
    collected = provider.collect(session, target, {rule.resource_type for rule in rules}, settings, progress)
    return build_result(provider, collected, rules, started, params, frameworks)


def build_result(
    provider: Provider,
    collected: Collected,
    rules: Sequence[Rule],
    started: datetime,
    params: ScanParams | None = None,
    frameworks: Sequence[str] = (),
) -> ScanResult:
    """Evaluate the rules over what was collected and assemble a self-describing result."""
    params = params or ScanParams()
    index = ControlIndex(catalogues().values(), {rule.id: rule_maps().get(rule.id, ()) for rule in rules})
    inventory = collected.inventory
    findings = evaluate(rules, inventory.resources, inventory.errors, index.controls_for, params)
    meta = ScanMeta(
        tool_version=__version__,
        provider=provider.name,
        account=account_label(collected.accounts, provider.target_type),
        regions=tuple(collected.regions),
        started=started,
        finished=datetime.now(timezone.utc),
        rules_evaluated=len(rules),
        rule_ids=tuple(sorted(rule.id for rule in rules)),
        frameworks=tuple(sorted(frameworks)),
        resources_scanned=len(inventory.resources),
        api_calls=inventory.api_calls,
        params=params,
    )
    return ScanResult(
        scan=meta,
        summary=summarize(findings, inventory.errors),
        findings=tuple(findings),
        errors=tuple(inventory.errors),
        rules=tuple(
            RuleRecord(**rule.info().model_dump(), controls=index.mappings[rule.id])
            for rule in sorted(rules, key=lambda rule: rule.id)
        ),
        catalogues=tuple(index.catalogues[name] for name in sorted(index.catalogues)),
    )
