"""ECR: repository policies open to everyone, and image vulnerability scanning.

Per region ``DescribeRepositories`` (which carries each repository's scan-on-push setting) and one
``GetRegistryScanningConfiguration`` (basic or enhanced scanning, and the registry's rules); per
repository ``GetRepositoryPolicy`` (no policy answers ``RepositoryPolicyNotFoundException``).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from scanner.providers.aws import policy
from scanner.providers.spec import Call, Detail, Item, Lookup, ResourceSpec

_SCANNING = ("registry_scan_type", "image_scanning", "image_scanning_enabled")


def _repository_policy(document: Any) -> dict[str, Any]:
    return {
        "has_policy": document is not None,
        "public_policy_statements": policy.public_allow_statements(document),
    }


def _registry_frequency(rules: list[dict[str, Any]] | None, repository: str) -> str | None:
    """The scan frequency of the first registry rule whose filters match ``repository`` (wildcards ``*``)."""
    for rule in rules or []:
        for repo_filter in rule.get("repositoryFilters") or []:
            if repo_filter.get("filterType", "WILDCARD") == "WILDCARD" and fnmatchcase(
                repository, str(repo_filter.get("filter", ""))
            ):
                return str(rule.get("scanFrequency"))
    return None


def scanning(repository: str, scan_on_push: bool, registry: dict[str, Any] | None) -> dict[str, Any]:
    """How images pushed to ``repository`` get scanned, given the registry's scanning configuration.

    With ENHANCED scanning (Amazon Inspector) only the registry's rules decide: a repository no rule
    filter matches is not scanned, whatever its own setting. With BASIC scanning a repository is scanned
    on push if its own ``scanOnPush`` is on or a registry rule with ``SCAN_ON_PUSH`` matches it.
    """
    registry = registry or {}
    scan_type = str(registry.get("scanType") or "BASIC")
    frequency = _registry_frequency(registry.get("rules"), repository)
    if scan_type == "ENHANCED":
        enabled = frequency in ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")
        described = f"enhanced, {frequency}" if enabled else "none: enhanced scanning matches no rule to it"
    elif scan_on_push or frequency == "SCAN_ON_PUSH":
        enabled = True
        described = "basic, scan on push" + ("" if scan_on_push else " (registry rule)")
    else:
        enabled, described = False, "none: basic scanning without scan on push"
    return {"registry_scan_type": scan_type, "image_scanning": described, "image_scanning_enabled": enabled}


def _normalize_repository(item: Item) -> dict[str, Any]:
    scan_on_push = bool((item.raw.get("imageScanningConfiguration") or {}).get("scanOnPush"))
    name = str(item.raw.get("repositoryName", ""))
    return {"scan_on_push": scan_on_push, **scanning(name, scan_on_push, item.lookups.get("registry_scanning"))}


REPOSITORY = ResourceSpec(
    type="aws.ecr.repository",
    service="ecr",
    scope="regional",
    listing=Call("describe_repositories", result="repositories"),
    id="{repositoryName}",
    name="{repositoryName}",
    arn="{repositoryArn}",
    normalize=_normalize_repository,
    details=(
        Detail(
            "policy",
            Call(
                "get_repository_policy",
                {"repositoryName": "{repositoryName}"},
                result="policyText",
                absent=("RepositoryPolicyNotFoundException",),
            ),
            _repository_policy,
        ),
    ),
    lookups=(
        Lookup(
            "registry_scanning",
            Call("get_registry_scanning_configuration", result="scanningConfiguration"),
            provides=_SCANNING,
        ),
    ),
)

SPECS = (REPOSITORY,)
