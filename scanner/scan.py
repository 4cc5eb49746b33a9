"""One scan, end to end: select rules, collect, evaluate, attach controls, summarize."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

import boto3

from scanner import __version__
from scanner.engine import evaluate
from scanner.errors import UsageError
from scanner.mappings import controls_for, rule_maps
from scanner.models import Rule, ScanMeta, ScanParams, ScanResult, Severity, summarize
from scanner.providers.aws.scan import ApiSettings, scan_aws
from scanner.providers.collector import Inventory, Progress
from scanner.rules import load_rules

if TYPE_CHECKING:
    from scanner.providers.azure.session import AzureSession
    from scanner.providers.gcp.session import GcpSession


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


def run_aws_scan(
    session: boto3.Session,
    rules: Sequence[Rule] | None = None,
    regions: list[str] | None = None,
    max_workers: int = 8,
    progress: Progress | None = None,
    settings: ApiSettings | None = None,
    params: ScanParams | None = None,
    frameworks: Sequence[str] = (),
) -> ScanResult:
    rules = list(rules) if rules is not None else select_rules(load_rules(), "aws")
    started = datetime.now(timezone.utc)
    collected = scan_aws(
        session,
        {rule.resource_type for rule in rules},
        regions=regions,
        max_workers=max_workers,
        progress=progress,
        settings=settings,
    )
    return build_result(
        "aws", collected.account, collected.regions, rules, collected.inventory, started, params, frameworks
    )


def run_azure_scan(
    session: AzureSession,
    rules: Sequence[Rule] | None = None,
    subscriptions: list[str] | None = None,
    all_subscriptions: bool = False,
    max_workers: int = 8,
    progress: Progress | None = None,
    params: ScanParams | None = None,
    frameworks: Sequence[str] = (),
) -> ScanResult:
    from scanner.providers.azure.scan import scan_azure

    rules = list(rules) if rules is not None else select_rules(load_rules(), "azure")
    started = datetime.now(timezone.utc)
    collected = scan_azure(
        session,
        {rule.resource_type for rule in rules},
        subscriptions=subscriptions,
        all_subscriptions=all_subscriptions,
        max_workers=max_workers,
        progress=progress,
    )
    return _many_accounts_result(
        "azure", collected.subscriptions, "subscriptions", collected.inventory, rules, started, params, frameworks
    )


def run_gcp_scan(
    session: GcpSession,
    rules: Sequence[Rule] | None = None,
    projects: list[str] | None = None,
    folders: list[str] | None = None,
    organizations: list[str] | None = None,
    max_workers: int = 8,
    progress: Progress | None = None,
    params: ScanParams | None = None,
    frameworks: Sequence[str] = (),
) -> ScanResult:
    from scanner.providers.gcp.scan import scan_gcp

    rules = list(rules) if rules is not None else select_rules(load_rules(), "gcp")
    started = datetime.now(timezone.utc)
    collected = scan_gcp(
        session,
        {rule.resource_type for rule in rules},
        projects=projects,
        folders=folders,
        organizations=organizations,
        max_workers=max_workers,
        progress=progress,
    )
    return _many_accounts_result(
        "gcp", collected.projects, "projects", collected.inventory, rules, started, params, frameworks
    )


def _many_accounts_result(
    provider: str,
    accounts: Sequence[str],
    plural: str,
    inventory: Inventory,
    rules: Sequence[Rule],
    started: datetime,
    params: ScanParams | None,
    frameworks: Sequence[str],
) -> ScanResult:
    """One report over several accounts: the account is named when there is one; regions are resource locations."""
    account = accounts[0] if len(accounts) == 1 else f"multiple-{plural}"
    locations = sorted({resource.region for resource in inventory.resources if resource.region != "global"})
    return build_result(provider, account, locations, rules, inventory, started, params, frameworks)


def build_result(
    provider: str,
    account: str,
    regions: Sequence[str],
    rules: Sequence[Rule],
    inventory: Inventory,
    started: datetime,
    params: ScanParams | None = None,
    frameworks: Sequence[str] = (),
) -> ScanResult:
    """Evaluate the rules over what was collected and assemble the result, whatever the provider."""
    params = params or ScanParams()
    findings = evaluate(rules, inventory.resources, inventory.errors, controls_for, params)
    meta = ScanMeta(
        tool_version=__version__,
        provider=provider,
        account=account,
        regions=tuple(regions),
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
    )
