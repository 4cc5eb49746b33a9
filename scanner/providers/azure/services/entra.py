"""Microsoft Entra ID (read through Microsoft Graph): is multifactor authentication required?

MFA is required either by security defaults (which prompt every user, and admins at
every sign-in) or by Conditional Access policies. Both reads need the Microsoft Graph
application permission Policy.Read.All.

A Conditional Access policy counts only when it is enforced (state ``enabled``, not
report-only), applies to all cloud apps, asks for MFA whatever else is offered (the
``mfa`` control or an authentication strength, alone or combined with AND) and is not
narrowed to some client apps, platforms, locations, devices or risk levels. Excluding
users or groups (break-glass accounts) is tolerated; excluding a role is not, for that
role.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, singleton

GRAPH_PERMISSION = "Policy.Read.All"
SECURITY_DEFAULTS_PATH = "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"
CONDITIONAL_ACCESS_PATH = "/v1.0/identity/conditionalAccess/policies"

# Directory roles (template ids) that can take over the tenant, its sign-in rules or its
# applications. All are in Microsoft's "Require MFA for admins" policy template, so a tenant
# that follows the template covers them.
ADMIN_ROLES = {
    "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
    "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
    "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
    "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
    "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "Conditional Access Administrator",
    "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
    "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
}

_RISK_CONDITIONS = ("userRiskLevels", "signInRiskLevels", "servicePrincipalRiskLevels", "insiderRiskLevels")


def _lower(values: Any) -> set[str]:
    return {str(value).lower() for value in values or []}


def _requires_mfa(policy: dict[str, Any]) -> bool:
    grant = policy.get("grantControls") or {}
    built_in = _lower(grant.get("builtInControls"))
    strength = bool(grant.get("authenticationStrength"))
    if "block" in built_in or not ("mfa" in built_in or strength):
        return False
    controls = (
        len(built_in)
        + int(strength)
        + len(grant.get("customAuthenticationFactors") or [])
        + len(grant.get("termsOfUse") or [])
    )
    # with OR, any one control is enough: MFA is required only if it is the only choice
    return controls == 1 or str(grant.get("operator") or "OR").upper() == "AND"


def _unconditional(policy: dict[str, Any]) -> bool:
    """The policy applies to every cloud app, client, platform, location, device and risk level."""
    conditions = policy.get("conditions") or {}
    applications = conditions.get("applications") or {}
    if "all" not in _lower(applications.get("includeApplications")):
        return False
    client_apps = _lower(conditions.get("clientAppTypes"))
    if client_apps and "all" not in client_apps and not {"browser", "mobileappsanddesktopclients"} <= client_apps:
        return False
    if any(conditions.get(name) for name in _RISK_CONDITIONS):
        return False
    platforms = conditions.get("platforms") or {}
    if platforms and ("all" not in _lower(platforms.get("includePlatforms")) or platforms.get("excludePlatforms")):
        return False
    locations = conditions.get("locations") or {}
    if locations and ("all" not in _lower(locations.get("includeLocations")) or locations.get("excludeLocations")):
        return False
    devices = conditions.get("devices") or {}
    return not (devices.get("deviceFilter") or devices.get("includeDevices") or devices.get("excludeDevices"))


def _enforced_mfa_policies(policies: Any) -> list[dict[str, Any]]:
    return [
        policy
        for policy in policies or []
        if isinstance(policy, dict)
        and policy.get("state") == "enabled"
        and _requires_mfa(policy)
        and _unconditional(policy)
    ]


def _users(policy: dict[str, Any]) -> dict[str, Any]:
    return (policy.get("conditions") or {}).get("users") or {}


def _all_users(policy: dict[str, Any]) -> bool:
    return "all" in _lower(_users(policy).get("includeUsers"))


def _covers_role(policy: dict[str, Any], role: str) -> bool:
    users = _users(policy)
    if role in _lower(users.get("excludeRoles")):
        return False
    return _all_users(policy) or role in _lower(users.get("includeRoles"))


def _security_defaults(defaults: dict[str, Any] | None) -> dict[str, Any]:
    return {"security_defaults_enabled": (defaults or {}).get("isEnabled") is True}


def _conditional_access(listed: Any) -> dict[str, Any]:
    policies = _enforced_mfa_policies(listed)
    return {
        "mfa_policies": sorted(str(policy.get("displayName") or policy.get("id")) for policy in policies),
        "all_users_mfa_policies": sorted(
            str(policy.get("displayName") or policy.get("id")) for policy in policies if _all_users(policy)
        ),
        "admin_roles_without_mfa": sorted(
            name for role, name in ADMIN_ROLES.items() if not any(_covers_role(policy, role) for policy in policies)
        ),
    }


TENANT = singleton(
    type="azure.entra.tenant",
    service="graph",
    id="tenant",
    name="Microsoft Entra tenant",
    details=(
        Detail("security_defaults", Call(SECURITY_DEFAULTS_PATH), _security_defaults),
        Detail("conditional_access", Call(CONDITIONAL_ACCESS_PATH, result="value"), _conditional_access),
    ),
)

SPECS = (TENANT,)
