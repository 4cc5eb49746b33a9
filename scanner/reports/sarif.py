"""SARIF 2.1.0 output, shaped for GitHub code scanning.

GitHub rejects a whole upload if any result lacks a location, so every result
gets a stable relative URI ``<provider>/<account>/<region>/<service>/<resource>``
(with ``startLine`` 1, which GitHub needs to place an alert) plus a logical
location carrying the resource ARN. ``partialFingerprints`` use the finding
fingerprint so alerts survive across scans.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from scanner import __version__
from scanner.mappings import Catalogue, ControlIndex
from scanner.models import Finding, RuleInfo, ScanResult, Severity, Status
from scanner.result_data import control_index, rule_records

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "cloudscanFinding/v1"

SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def render(result: ScanResult, statuses: tuple[Status, ...] = (Status.FAIL,)) -> str:
    return json.dumps(to_sarif(result, statuses), indent=2) + "\n"


def to_sarif(result: ScanResult, statuses: tuple[Status, ...] = (Status.FAIL,)) -> dict[str, Any]:
    """Build the SARIF log; by default only FAIL findings become results."""
    rules_by_id = rule_records(result)
    controls = control_index(result)
    reported = [finding for finding in result.findings if finding.status in statuses]
    rule_ids = sorted({finding.rule_id for finding in result.findings} & set(rules_by_id))
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    frameworks = sorted(controls.catalogues)
    taxonomy_index = {framework: position for position, framework in enumerate(frameworks)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "cloudscan",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule_descriptor(rules_by_id[rule_id], controls, taxonomy_index) for rule_id in rule_ids],
                "supportedTaxonomies": [
                    {"name": controls.catalogues[framework].name, "index": index}
                    for framework, index in taxonomy_index.items()
                ],
            }
        },
        "taxonomies": [_taxonomy(controls.catalogues[framework]) for framework in frameworks],
        "automationDetails": {"id": f"cloudscan/{result.scan.provider}/{result.scan.account}/"},
        "invocations": [_invocation(result)],
        "results": [_result(finding, index.get(finding.rule_id)) for finding in reported],
        "properties": {"account": result.scan.account, "regions": list(result.scan.regions)},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def location_uri(finding: Finding) -> str:
    ref = finding.resource
    parts = [ref.provider, ref.account, ref.region, ref.service, ref.id]
    return "/".join(quote(part, safe="-._~") for part in parts)


def _taxonomy(catalogue: Catalogue) -> dict[str, Any]:
    """A framework as a SARIF taxonomy, so viewers can group results by ISO control."""
    name, _, version = catalogue.name.partition(":")
    return {
        "name": catalogue.name,
        "fullName": catalogue.name,
        "version": version or None,
        "organization": "ISO/IEC",
        "shortDescription": {"text": f"{name} controls (cloudscan's own short titles)"},
        "isComprehensive": False,
        "taxa": [
            {
                "id": control.id,
                "name": control.id,
                "shortDescription": {"text": control.title},
                "properties": {
                    "applies_to": control.applies_to.value,
                    "checkability": control.checkability.value,
                    "iso27001_2022": list(control.iso27001_2022),
                },
            }
            for control in catalogue.controls
        ],
    }


def _relationships(rule: RuleInfo, controls: ControlIndex, taxonomy_index: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "target": {
                "id": control.id,
                "toolComponent": {
                    "name": controls.catalogues[control.framework].name,
                    "index": taxonomy_index[control.framework],
                },
            },
            "kinds": ["relevant"],
            "description": {"text": f"{control.responsibility.value}: {control.rationale}"},
        }
        for control in controls.controls_for(rule.id)
        if control.framework in taxonomy_index
    ]


def _rule_descriptor(rule: RuleInfo, controls: ControlIndex, taxonomy_index: dict[str, int]) -> dict[str, Any]:
    remediation = rule.remediation
    lines = [f"**{rule.title}**", "", rule.rationale, "", f"**Remediation:** {remediation.text}"]
    if remediation.console:
        lines += ["", f"Console: {remediation.console}"]
    if remediation.cli:
        lines += ["", "CLI:", "```sh", remediation.cli.strip(), "```"]
    if remediation.terraform:
        lines += ["", "Terraform:", "```hcl", remediation.terraform.strip(), "```"]
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split(".")[-1].split("_")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": f"{rule.rationale}\n\nRemediation: {remediation.text}", "markdown": "\n".join(lines)},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "severity": rule.severity.value,
            "resource-type": rule.resource_type,
            "tags": [
                "security",
                rule.provider,
                f"{rule.provider}-{rule.service}",
                *(f"{control.framework}:{control.id}" for control in controls.controls_for(rule.id)),
            ],
            "precision": "high",
        },
    }
    if remediation.url:
        descriptor["helpUri"] = remediation.url
    relationships = _relationships(rule, controls, taxonomy_index)
    if relationships:
        descriptor["relationships"] = relationships
    return descriptor


def _result(finding: Finding, rule_index: int | None) -> dict[str, Any]:
    ref = finding.resource
    logical: dict[str, Any] = {"name": ref.name or ref.id, "kind": "resource", "fullyQualifiedName": ref.arn or ref.id}
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": LEVEL[finding.severity],
        "message": {"text": f"{finding.title}: {finding.message} ({ref.type} {ref.name or ref.id}, {ref.region})"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": location_uri(finding)},
                    "region": {"startLine": 1},
                },
                "logicalLocations": [logical],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "status": finding.status.value,
            "severity": finding.severity.value,
            "resource": ref.model_dump(mode="json"),
            "evidence": finding.evidence,
            "controls": [control.model_dump(mode="json") for control in finding.controls],
            "responsibility": finding.responsibility.value if finding.responsibility else None,
        },
    }
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    return result


def _invocation(result: ScanResult) -> dict[str, Any]:
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{error.service} {error.operation} in {error.region}: {error.code}: {error.message}"},
            "descriptor": {"id": error.code},
        }
        for error in result.errors
    ]
    return {
        "executionSuccessful": not result.errors,
        "startTimeUtc": result.scan.started.isoformat().replace("+00:00", "Z"),
        "endTimeUtc": result.scan.finished.isoformat().replace("+00:00", "Z"),
        "toolExecutionNotifications": notifications,
    }
