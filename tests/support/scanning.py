"""The only place the tests call the scanner's scan entry point and its raw collector.

Tests run scans through ``tests.support.aws.run``/``scan``, ``tests.support.azure.run``/``scan``
and ``tests.support.gcp.run``/``scan``, which all end in ``run_scan`` here; the raw AWS
inventory goes through ``collect``. A change of the scanner's entry point is a change of
this module only.

Scans go through ``scanner.scan.run_scan(provider, session, target, rules, settings, params)``,
the scanner's one entry point for every provider.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scanner.models import Rule, ScanParams, ScanResult
    from scanner.providers.collector import Inventory


def rules_by_id(*rule_ids: str) -> list[Rule]:
    """The rules with these ids; every id must exist."""
    from scanner.rules import load_rules

    rules = [rule for rule in load_rules() if rule.id in rule_ids]
    assert {rule.id for rule in rules} == set(rule_ids), "unknown rule id in test"
    return rules


def run_scan(
    provider: str,
    session: Any,
    target: dict[str, Any],
    rules: Sequence[Rule] | None = None,
    *,
    max_workers: int = 8,
    max_attempts: int | None = None,
    timeout: float | None = None,
    params: ScanParams | None = None,
) -> ScanResult:
    """Scan ``target`` (the provider's target fields: regions, subscriptions, projects...) through ``session``.

    ``max_attempts``/``timeout`` are the per-call API settings (AWS; the Azure and GCP
    test sessions carry their own); None keeps the scanner's defaults.
    """
    from scanner import scan as scan_api
    from scanner.providers.registry import load_provider

    chosen = load_provider(provider)
    settings = _settings(max_workers=max_workers, max_attempts=max_attempts, timeout=timeout)
    return scan_api.run_scan(chosen, session, chosen.target_model(**target), rules, settings, params)


def collect(provider: str, session: Any, target: dict[str, Any], resource_types: Iterable[str]) -> Inventory:
    """The raw inventory the provider's collector reads for ``resource_types`` (no rules, no findings)."""
    from scanner.providers.registry import load_provider

    chosen = load_provider(provider)
    return chosen.collect(session, chosen.target_model(**target), set(resource_types), _settings()).inventory


def _settings(**given: Any) -> Any:
    from scanner.settings import ApiSettings

    return ApiSettings(**{name: value for name, value in given.items() if value is not None})
