"""Organizations: a service control policy that keeps the organization in the allowed regions.

Read from the management account (or a delegated administrator): ``ListPolicies`` for service
control policies, then per customer-managed SCP ``DescribePolicy`` (its document) and
``ListTargetsForPolicy`` (where it is attached). AWS-managed SCPs (``FullAWSAccess``) are skipped.
An account outside any organization answers ``AWSOrganizationsNotInUseException``: not an error but
a fact (``in_organization`` false). A member account is refused (``AccessDeniedException``), and the
fields become unavailable: the rule reports ERROR, never a guess.

Kept simple on purpose: only SCPs attached to the organization root count, since they bind every
account; one attached to some OUs or accounts is reported with its targets but does not pass.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.aws import policy
from scanner.providers.spec import Call, Detail, Item, singleton

_CUSTOMER_SCPS = "policies[?AwsManaged != `true`]"
_DERIVED = ("region_scps", "scp_allowed_regions", "region_restriction")


def _policies(policies: list[dict[str, Any]] | None) -> dict[str, Any]:
    # None is "not in an organization" (absent) or a failed call; the latter makes the field unavailable.
    return {"in_organization": policies is not None}


def _target_label(target: dict[str, Any]) -> str:
    return f"{target.get('Type', '?')} {target.get('TargetId', '?')}"


def region_scps(
    policies: list[dict[str, Any]], contents: list[Any], targets: list[list[dict[str, Any]] | None]
) -> list[dict[str, Any]]:
    """The customer SCPs that deny requests outside a region list, with where they are attached."""
    found = []
    for summary, content, attached in zip(policies, contents, targets, strict=False):
        allow_lists = policy.region_allow_lists(content)
        if not allow_lists:
            continue
        # Several such statements in one SCP all apply: only regions every list names stay allowed.
        allowed = set(allow_lists[0]).intersection(*allow_lists[1:])
        found.append(
            {
                "policy": str(summary.get("Name") or summary.get("Id")),
                "id": summary.get("Id"),
                "allowed_regions": sorted(allowed),
                "targets": [_target_label(target) for target in attached or []],
                "attached_to_root": any(target.get("Type") == "ROOT" for target in attached or []),
            }
        )
    return found


def _normalize(item: Item) -> dict[str, Any]:
    details = item.details
    customer = [entry for entry in details.get("policies") or [] if not entry.get("AwsManaged")]
    scps = region_scps(customer, details.get("contents") or [], details.get("targets") or [])
    at_root = [set(scp["allowed_regions"]) for scp in scps if scp["attached_to_root"]]
    # SCPs at the root all apply to every account: the regions left allowed are those every one allows.
    allowed = sorted(at_root[0].intersection(*at_root[1:])) if at_root else []
    if details.get("policies") is None:
        summary = "the account is not in an organization (AWSOrganizationsNotInUseException): no SCP applies to it"
    elif not at_root:
        summary = "no customer-managed SCP attached to the organization root denies requests outside a region list"
    else:
        summary = f"SCPs attached to the organization root deny requests outside {', '.join(allowed) or 'every region'}"
    return {"region_scps": scps, "scp_allowed_regions": allowed, "region_restriction": summary}


ORGANIZATION_SCPS = singleton(
    type="aws.organizations.organization",
    service="organizations",
    id="{account}",
    name="AWS Organizations service control policies",
    details=(
        Detail(
            "policies",
            Call(
                "list_policies",
                {"Filter": "SERVICE_CONTROL_POLICY"},
                result="Policies",
                absent=("AWSOrganizationsNotInUseException",),
            ),
            _policies,
            provides=_DERIVED,
        ),
        Detail(
            "contents",
            Call("describe_policy", {"PolicyId": "{Id}"}, result="Policy.Content"),
            provides=_DERIVED,
            for_each=_CUSTOMER_SCPS,
        ),
        Detail(
            "targets",
            Call("list_targets_for_policy", {"PolicyId": "{Id}"}, result="Targets"),
            provides=_DERIVED,
            for_each=_CUSTOMER_SCPS,
        ),
    ),
    normalize=_normalize,
)

SPECS = (ORGANIZATION_SCPS,)
