"""Identity and Access Management: the project's IAM policy and its service accounts' keys."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from scanner.providers.gcp.resources import project_settings
from scanner.providers.spec import Call, Detail, Item, ResourceSpec
from scanner.providers.timestamps import as_utc

BASIC_ROLES = ("roles/owner", "roles/editor")
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
PEOPLE_PREFIXES = ("user:", "group:", "domain:")
KMS_ADMIN = "roles/cloudkms.admin"
KMS_CRYPTO_ROLES = (
    "roles/cloudkms.cryptoKeyEncrypterDecrypter",
    "roles/cloudkms.cryptoKeyEncrypter",
    "roles/cloudkms.cryptoKeyDecrypter",
)
SA_ADMIN = "roles/iam.serviceAccountAdmin"
SA_USER = "roles/iam.serviceAccountUser"
AUDIT_LOG_TYPES = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")
KEY_MAX_AGE_DAYS = 90

# Google-managed service agents: service-<number>@gcp-sa-*.iam..., <number>@cloudservices..., and the like.
_AGENT_LOCAL = re.compile(r"(service-)?\d+")


def is_service_agent(email: str, project: str) -> bool:
    """Whether a service account e-mail belongs to a Google-managed service agent (not the customer's)."""
    local, _, domain = email.partition("@")
    if domain == f"{project}.iam.gserviceaccount.com" or not domain.endswith("gserviceaccount.com"):
        return False
    return domain.startswith("gcp-sa-") or bool(_AGENT_LOCAL.fullmatch(local))


def _members_by_role(policy: dict[str, Any]) -> dict[str, set[str]]:
    """Each member's roles in the policy (conditional bindings count as grants)."""
    roles: dict[str, set[str]] = {}
    for binding in policy.get("bindings") or []:
        for member in binding.get("members") or []:
            roles.setdefault(str(member), set()).add(str(binding.get("role", "")))
    return roles


def _grants(policy: dict[str, Any], wanted: Any) -> list[str]:
    """``role: member`` labels of the bindings where ``wanted(role, member)`` holds, sorted."""
    found = {
        f"{binding.get('role')}: {member}"
        for binding in policy.get("bindings") or []
        for member in binding.get("members") or []
        if wanted(str(binding.get("role", "")), str(member))
    }
    return sorted(found)


def _is_admin_role(role: str) -> bool:
    return role in BASIC_ROLES or role.rsplit("/", 1)[-1].lower().endswith("admin")


def _duty_conflicts(policy: dict[str, Any], first: tuple[str, ...], second: tuple[str, ...]) -> list[str]:
    """Members (deleted principals aside) that hold a role of ``first`` and one of ``second``."""
    conflicts = []
    for member, roles in sorted(_members_by_role(policy).items()):
        if member.startswith("deleted:"):
            continue
        held_first = sorted(roles.intersection(first))
        held_second = sorted(roles.intersection(second))
        if held_first and held_second:
            conflicts.append(f"{member}: {', '.join(held_first + held_second)}")
    return conflicts


def audit_facts(policy: dict[str, Any]) -> dict[str, list[str]]:
    """Which Data Access log types the ``allServices`` audit config lacks, and whom it exempts."""
    enabled: set[str] = set()
    exempted: set[str] = set()
    for config in policy.get("auditConfigs") or []:
        if config.get("service") != "allServices":
            continue
        for log_config in config.get("auditLogConfigs") or []:
            enabled.add(str(log_config.get("logType", "")))
            exempted.update(f"{log_config.get('logType')}: {m}" for m in log_config.get("exemptedMembers") or [])
    return {
        "audit_missing_log_types": [log_type for log_type in AUDIT_LOG_TYPES if log_type not in enabled],
        "audit_exempted_members": sorted(exempted),
    }


def _policy(policy: dict[str, Any] | None) -> dict[str, Any]:
    policy = policy or {}
    return {
        "basic_role_people": _grants(policy, lambda role, m: role in BASIC_ROLES and m.startswith(PEOPLE_PREFIXES)),
        "public_grants": _grants(policy, lambda role, member: member in PUBLIC_MEMBERS),
        "kms_duty_conflicts": _duty_conflicts(policy, (KMS_ADMIN,), KMS_CRYPTO_ROLES),
        "service_account_duty_conflicts": _duty_conflicts(policy, (SA_ADMIN,), (SA_USER,)),
        **audit_facts(policy),
    }


def _normalize_policy(item: Item) -> dict[str, Any]:
    """The grants that need the project id besides the policy: its own service accounts are not service agents."""
    project = item.context.account

    def admin_service_account(role: str, member: str) -> bool:
        if not member.startswith("serviceAccount:") or not _is_admin_role(role):
            return False
        return not is_service_agent(member.removeprefix("serviceAccount:"), project)

    return {"service_account_admin_grants": _grants(item.details.get("policy") or {}, admin_service_account)}


PROJECT_POLICY = project_settings(
    type="gcp.iam.project_policy",
    service="projects",
    normalize=_normalize_policy,
    details=(
        Detail(
            "policy",
            Call(
                "get_iam_policy",
                {"request": {"resource": "projects/{account}", "options": {"requested_policy_version": 3}}},
            ),
            _policy,
            # read with the project id by _normalize_policy
            provides=("service_account_admin_grants",),
        ),
    ),
)


# -- service accounts --------------------------------------------------------


def short_key(name: str) -> str:
    """The last 8 characters of a key id: enough to find it, never the whole id."""
    key_id = name.rsplit("/", 1)[-1]
    return f"…{key_id[-8:]}"


def key_facts(keys: list[dict[str, Any]] | None, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """A service account's user-managed keys, and the enabled ones older than 90 days."""
    listed, old = [], []
    for key in keys or []:
        if key.get("keyType", "USER_MANAGED") != "USER_MANAGED":
            continue
        created = as_utc(key.get("validAfterTime"))
        age = (now - created).days if created else None
        label = short_key(str(key.get("name", "")))
        disabled = bool(key.get("disabled", False))
        listed.append({"key": label, "age_days": age, "disabled": disabled})
        if not disabled and age is not None and age > KEY_MAX_AGE_DAYS:
            old.append({"key": label, "age_days": age})
    return {"user_managed_keys": listed, "keys_not_rotated": old}


def _normalize_service_account(item: Item) -> dict[str, Any]:
    return {"email": item.raw.get("email"), "disabled": bool(item.raw.get("disabled", False))}


SERVICE_ACCOUNT = ResourceSpec(
    type="gcp.iam.service_account",
    service="iam",
    scope="global",
    listing=Call(
        "projects.serviceAccounts.list",
        {"name": "projects/{account}"},
        result=(
            "accounts[?!(contains(email, '@gcp-sa-') || ends_with(email, '@cloudservices.gserviceaccount.com')"
            " || ends_with(email, '@cloudbuild.gserviceaccount.com'))]"
        ),
    ),
    id="{name}",
    name="{email}",
    arn="{name}",
    normalize=_normalize_service_account,
    details=(
        Detail(
            "keys",
            Call("projects.serviceAccounts.keys.list", {"name": "{name}", "keyTypes": "USER_MANAGED"}, result="keys"),
            lambda keys: key_facts(keys, datetime.now(timezone.utc)),
        ),
    ),
)

SPECS = (PROJECT_POLICY, SERVICE_ACCOUNT)
