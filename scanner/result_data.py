"""The rules and controls a scan result carries, so its reports never depend on files installed later.

A result written by this version embeds the metadata of the rules that ran (with
their control mappings) and the control catalogues. A result of schema 1.0, or
one built in memory without them, gets them from the bundled data here: the one
place that decides where a report's rule and control data come from.
"""

from __future__ import annotations

from scanner.mappings import ControlIndex, catalogues, rule_maps
from scanner.models import RuleRecord, ScanResult
from scanner.rules import load_rules


def with_rule_data(result: ScanResult) -> ScanResult:
    """``result`` with ``rules`` and ``catalogues`` filled from the bundled data where it lacks them."""
    if result.rules and result.catalogues:
        return result
    update: dict = {}
    if not result.rules:
        wanted = set(result.scan.rule_ids) | {finding.rule_id for finding in result.findings}
        prefix = f"{result.scan.provider}."
        maps = rule_maps()
        update["rules"] = tuple(
            RuleRecord(**rule.info().model_dump(), controls=maps.get(rule.id, ()))
            for rule in load_rules()
            if rule.id in wanted or (not result.scan.rule_ids and rule.id.startswith(prefix))
        )
    if not result.catalogues:
        update["catalogues"] = tuple(catalogues()[name] for name in sorted(catalogues()))
    return result.model_copy(update=update)


def rule_records(result: ScanResult) -> dict[str, RuleRecord]:
    """The rules of the result by id."""
    return {record.id: record for record in with_rule_data(result).rules}


def control_index(result: ScanResult) -> ControlIndex:
    """Resolves the result's rules to controls with the catalogues and mappings it was written with."""
    described = with_rule_data(result)
    return ControlIndex(described.catalogues, {record.id: record.controls for record in described.rules})
