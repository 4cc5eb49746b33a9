"""The Entra MFA rules failing, passing and erroring, through the transport's Microsoft Graph client."""

from __future__ import annotations

from typing import Any

from scanner.models import Status
from tests.support.azure import FakeArm, Route, scan
from tests.support.results import finding

ADMINS = "azure.entra.mfa_required_for_admins"
ALL_USERS = "azure.entra.mfa_required_for_all_users"
TENANT = "Microsoft Entra tenant"
DEFAULTS = "/graph/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"
POLICIES = "/graph/v1.0/identity/conditionalAccess/policies"

GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
ADMIN_ROLES = [
    GLOBAL_ADMIN,
    "e8611ab8-c189-46e8-94e1-60213ab1f814",
    "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    "194ae4cb-b126-40b2-bd5b-6091b380977d",
    "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
    "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    "158c047a-c907-4556-b7ef-446551a6b5f7",
]
BREAK_GLASS = "3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b"
ALL_ADMIN_NAMES = [
    "Application Administrator",
    "Cloud Application Administrator",
    "Conditional Access Administrator",
    "Global Administrator",
    "Privileged Authentication Administrator",
    "Privileged Role Administrator",
    "Security Administrator",
    "User Administrator",
]


def security_defaults(enabled: bool) -> dict[str, Any]:
    return {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity",
        "id": "00000000-0000-0000-0000-000000000005",
        "displayName": "Security Defaults",
        "description": "Security defaults is a set of basic identity security mechanisms recommended by Microsoft.",
        "isEnabled": enabled,
    }


def ca_policy(
    name: str,
    state: str = "enabled",
    include_users: list[str] = (),
    include_roles: list[str] = (),
    exclude_roles: list[str] = (),
    built_in: list[str] = ("mfa",),
    operator: str = "OR",
    strength: dict[str, Any] | None = None,
    **conditions: Any,
) -> dict[str, Any]:
    """A Conditional Access policy as GET /v1.0/identity/conditionalAccess/policies returns it."""
    return {
        "id": f"0f2b9c1e-{abs(hash(name)) % 10**4:04d}-4c3d-9e8f-1a2b3c4d5e6f",
        "templateId": None,
        "displayName": name,
        "createdDateTime": "2024-02-01T09:00:00.0000000Z",
        "modifiedDateTime": None,
        "state": state,
        "sessionControls": None,
        "conditions": {
            "userRiskLevels": [],
            "signInRiskLevels": [],
            "clientAppTypes": ["all"],
            "servicePrincipalRiskLevels": [],
            "insiderRiskLevels": None,
            "platforms": None,
            "locations": None,
            "devices": None,
            "clientApplications": None,
            "applications": {
                "includeApplications": ["All"],
                "excludeApplications": [],
                "includeUserActions": [],
                "includeAuthenticationContextClassReferences": [],
                "applicationFilter": None,
            },
            "users": {
                "includeUsers": list(include_users),
                "excludeUsers": [BREAK_GLASS],
                "includeGroups": [],
                "excludeGroups": [],
                "includeRoles": list(include_roles),
                "excludeRoles": list(exclude_roles),
                "includeGuestsOrExternalUsers": None,
                "excludeGuestsOrExternalUsers": None,
            },
            **conditions,
        },
        "grantControls": {
            "operator": operator,
            "builtInControls": list(built_in),
            "customAuthenticationFactors": [],
            "termsOfUse": [],
            "authenticationStrength@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies('x')/grantControls/authenticationStrength/$entity",
            "authenticationStrength": strength,
        },
    }


def plant(arm: FakeArm, defaults_on: bool, *policies: dict[str, Any]) -> None:
    arm.resource(DEFAULTS, security_defaults(defaults_on))
    arm.resource(
        POLICIES,
        {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies",
            "value": list(policies),
        },
    )


def test_security_defaults_pass_both_rules(arm):
    plant(arm, True)
    result = scan(arm, ADMINS, ALL_USERS)
    admins = finding(result, ADMINS, TENANT)
    everyone = finding(result, ALL_USERS, TENANT)
    assert admins.status is Status.PASS and everyone.status is Status.PASS
    assert admins.evidence["security_defaults_enabled"] is True
    assert admins.resource.id == "tenant"
    assert arm.count(DEFAULTS) == 1 and arm.count(POLICIES) == 1


def test_nothing_requires_mfa_fails_both_rules(arm):
    plant(
        arm,
        False,
        ca_policy("MFA for admins (report-only)", state="enabledForReportingButNotEnforced", include_roles=ADMIN_ROLES),
        ca_policy(
            "Block legacy auth",
            include_users=["All"],
            built_in=["block"],
            clientAppTypes=["exchangeActiveSync", "other"],
        ),
    )
    result = scan(arm, ADMINS, ALL_USERS)
    admins = finding(result, ADMINS, TENANT)
    assert admins.status is Status.FAIL
    assert admins.evidence == {
        "security_defaults_enabled": False,
        "admin_roles_without_mfa": ALL_ADMIN_NAMES,
        "mfa_policies": [],
    }
    assert "Global Administrator" in admins.message
    everyone = finding(result, ALL_USERS, TENANT)
    assert everyone.status is Status.FAIL
    assert everyone.evidence == {"security_defaults_enabled": False, "all_users_mfa_policies": []}


def test_admin_policy_passes_admins_but_not_all_users(arm):
    plant(arm, False, ca_policy("Require MFA for admins", include_roles=ADMIN_ROLES))
    result = scan(arm, ADMINS, ALL_USERS)
    admins = finding(result, ADMINS, TENANT)
    assert admins.status is Status.PASS
    assert admins.evidence["mfa_policies"] == ["Require MFA for admins"]
    assert admins.evidence["admin_roles_without_mfa"] == []
    assert finding(result, ALL_USERS, TENANT).status is Status.FAIL


def test_admin_policy_missing_roles_fails(arm):
    plant(arm, False, ca_policy("MFA for global admins", include_roles=[GLOBAL_ADMIN]))
    result = scan(arm, ADMINS)
    bad = finding(result, ADMINS, TENANT)
    assert bad.status is Status.FAIL
    assert "Global Administrator" not in bad.evidence["admin_roles_without_mfa"]
    assert "Privileged Role Administrator" in bad.evidence["admin_roles_without_mfa"]


def test_all_users_policy_with_authentication_strength_passes_both(arm):
    plant(
        arm,
        False,
        ca_policy(
            "Require MFA for everyone",
            include_users=["All"],
            built_in=[],
            strength={
                "id": "00000000-0000-0000-0000-000000000002",
                "displayName": "Multifactor authentication",
                "policyType": "builtIn",
                "requirementsSatisfied": "mfa",
                "allowedCombinations": ["password,microsoftAuthenticatorPush", "fido2"],
            },
        ),
    )
    result = scan(arm, ADMINS, ALL_USERS)
    assert finding(result, ADMINS, TENANT).status is Status.PASS
    everyone = finding(result, ALL_USERS, TENANT)
    assert everyone.status is Status.PASS
    assert everyone.evidence == {
        "security_defaults_enabled": False,
        "all_users_mfa_policies": ["Require MFA for everyone"],
    }


def test_narrowed_or_bypassable_policies_do_not_count(arm):
    plant(
        arm,
        False,
        # MFA or a compliant device: a compliant device alone is enough
        ca_policy("MFA or compliant device", include_users=["All"], built_in=["mfa", "compliantDevice"]),
        # only for risky sign-ins
        ca_policy("MFA on risky sign-in", include_users=["All"], signInRiskLevels=["high", "medium"]),
        # not outside trusted locations
        ca_policy(
            "MFA outside office",
            include_users=["All"],
            locations={"includeLocations": ["All"], "excludeLocations": ["AllTrusted"]},
        ),
        # all users but the Global Administrators
        ca_policy("MFA except global admins", include_roles=ADMIN_ROLES, exclude_roles=[GLOBAL_ADMIN]),
    )
    result = scan(arm, ADMINS, ALL_USERS)
    admins = finding(result, ADMINS, TENANT)
    assert admins.status is Status.FAIL
    assert admins.evidence["admin_roles_without_mfa"] == ["Global Administrator"]
    assert admins.evidence["mfa_policies"] == ["MFA except global admins"]
    assert finding(result, ALL_USERS, TENANT).status is Status.FAIL


def test_policies_are_read_across_pages(arm):
    arm.resource(DEFAULTS, security_defaults(False))
    arm.sequence(
        POLICIES,
        Route(
            200,
            {
                "value": [ca_policy("Block legacy auth", include_users=["All"], built_in=["block"])],
                "@odata.nextLink": f"{arm.base_url}{POLICIES}?$skiptoken=page2",
            },
        ),
        Route(200, {"value": [ca_policy("Require MFA for everyone", include_users=["All"])]}),
    )
    result = scan(arm, ALL_USERS)
    good = finding(result, ALL_USERS, TENANT)
    assert good.status is Status.PASS
    assert good.evidence["all_users_mfa_policies"] == ["Require MFA for everyone"]
    assert arm.count(POLICIES) == 2


def test_graph_permission_denied_is_an_error_naming_the_permission(arm):
    for path in (DEFAULTS, POLICIES):
        arm.error(path, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
    result = scan(arm, ADMINS, ALL_USERS)
    for rule in (ADMINS, ALL_USERS):
        error = finding(result, rule, TENANT)
        assert error.status is Status.ERROR
        assert error.evidence == {}
        assert "Authorization_RequestDenied" in error.message
        assert "Insufficient privileges" in error.message
        assert "Policy.Read.All" in error.message
