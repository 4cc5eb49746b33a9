"""IAM: root account and password policy, users' credentials, and admin-granting policies.

Users, roles, groups and customer-managed policies are listed with
``GetAccountAuthorizationDetails``: one paginated, read-only call per type that
already carries every inline policy document and attached managed policy, so no
per-policy ``Get*Policy`` call is needed.

Access-key last use is the one fact IAM only gives per key
(``GetAccessKeyLastUsed``): a ``for_each`` detail calls it once per active key,
so no credential report (whose generation is a write) is needed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from scanner.providers.aws import policy
from scanner.providers.spec import Call, Detail, Item, ResourceSpec, tag_list

KEY_MAX_AGE_DAYS = 90
KEY_MAX_IDLE_DAYS = 90
PASSWORD_MIN_LENGTH = 14
SERVICE_LINKED_PATH = "/aws-service-role/"
_ADMINISTRATOR_ACCESS = "AdministratorAccess"
_USER = {"UserName": "{UserName}"}
_NO_DATE = {"N/A", "no_information", "not_supported", ""}


def _authorization_details(filter_name: str, result: str) -> Call:
    return Call("get_account_authorization_details", {"Filter": [filter_name]}, result=result)


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value not in _NO_DATE:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _days_since(moment: datetime, now: datetime) -> int:
    return max((now - moment).days, 0)


def short_key(access_key_id: str) -> str:
    """Enough of an access key id to recognise it, never the whole id."""
    return f"****{access_key_id[-4:]}"


# -- account ---------------------------------------------------------------


def password_policy_gaps(password_policy: dict[str, Any] | None) -> list[str]:
    """What keeps a password policy from being strong; empty when it is."""
    if password_policy is None:
        return ["no password policy"]
    gaps = []
    length = password_policy.get("MinimumPasswordLength") or 0
    if length < PASSWORD_MIN_LENGTH:
        gaps.append(f"minimum length {length} < {PASSWORD_MIN_LENGTH}")
    for flag, label in (
        ("RequireUppercaseCharacters", "uppercase"),
        ("RequireLowercaseCharacters", "lowercase"),
        ("RequireNumbers", "numbers"),
        ("RequireSymbols", "symbols"),
    ):
        if not password_policy.get(flag):
            gaps.append(f"{label} not required")
    return gaps


def _normalize_account(item: Item) -> dict[str, Any]:
    summary = item.details.get("summary") or {}
    password_policy = item.details.get("password_policy")
    return {
        "root_mfa_enabled": summary.get("AccountMFAEnabled") == 1,
        "root_access_keys_present": summary.get("AccountAccessKeysPresent") == 1,
        "password_policy_present": password_policy is not None,
        "password_minimum_length": (password_policy or {}).get("MinimumPasswordLength"),
        "password_policy_gaps": password_policy_gaps(password_policy),
        "password_reuse_prevention": (password_policy or {}).get("PasswordReusePrevention"),
    }


ACCOUNT = ResourceSpec(
    type="aws.iam.account",
    service="iam",
    scope="global",
    listing=None,
    id="{account}",
    name="IAM account settings",
    arn=None,
    details=(
        Detail(
            "summary",
            Call("get_account_summary", result="SummaryMap"),
            ("root_mfa_enabled", "root_access_keys_present"),
        ),
        Detail(
            "password_policy",
            Call("get_account_password_policy", result="PasswordPolicy", absent=("NoSuchEntity",)),
            (
                "password_policy_present",
                "password_minimum_length",
                "password_policy_gaps",
                "password_reuse_prevention",
            ),
        ),
    ),
    fields=(
        "root_mfa_enabled",
        "root_access_keys_present",
        "password_policy_present",
        "password_minimum_length",
        "password_policy_gaps",
        "password_reuse_prevention",
    ),
    normalize=_normalize_account,
)


# -- policies attached to principals -----------------------------------------


def inline_full_admin(inline_policies: list[dict[str, Any]] | None) -> list[str]:
    """``policy-name:statement`` for every inline statement allowing ``*`` on ``*``."""
    found = []
    for inline in inline_policies or []:
        for label in policy.full_admin_statements(inline.get("PolicyDocument")):
            found.append(f"{inline.get('PolicyName')}:{label}")
    return found


def _principal_policies(item: Item, inline_key: str) -> dict[str, Any]:
    inline = item.raw.get(inline_key) or []
    return {
        "path": item.raw.get("Path", "/"),
        "inline_policy_names": [str(entry.get("PolicyName")) for entry in inline],
        "inline_full_admin_policies": inline_full_admin(inline),
        "attached_policy_arns": [
            str(entry.get("PolicyArn")) for entry in item.raw.get("AttachedManagedPolicies") or []
        ],
    }


_PRINCIPAL_FIELDS = ("path", "inline_policy_names", "inline_full_admin_policies", "attached_policy_arns")


# -- users -----------------------------------------------------------------


def access_key_facts(
    keys: list[dict[str, Any]] | None, last_used: dict[str, Any], now: datetime
) -> dict[str, list[dict[str, Any]]]:
    """Ages and idle times of a user's access keys, with shortened key ids.

    ``last_used`` maps active key ids to their last use; a key never used counts
    as idle since its creation.
    """
    listed, old, idle = [], [], []
    for key in keys or []:
        created = _as_datetime(key.get("CreateDate"))
        label = short_key(str(key.get("AccessKeyId", "")))
        age = _days_since(created, now) if created else None
        active = key.get("Status") == "Active"
        listed.append({"key": label, "status": key.get("Status"), "age_days": age})
        if not active or age is None:
            continue
        if age > KEY_MAX_AGE_DAYS:
            old.append({"key": label, "age_days": age})
        used = _as_datetime(last_used.get(str(key.get("AccessKeyId", ""))))
        idle_days = _days_since(used, now) if used else age
        if idle_days >= KEY_MAX_IDLE_DAYS:
            idle.append({"key": label, "days_unused": idle_days, "ever_used": used is not None})
    return {"access_keys": listed, "access_keys_not_rotated": old, "access_keys_unused": idle}


def _key_last_use(details: dict[str, Any]) -> dict[str, Any]:
    """Pair the per-key answers of ``key_last_used`` with the active key ids they were asked for."""
    active = [str(key.get("AccessKeyId")) for key in details.get("access_keys") or [] if key.get("Status") == "Active"]
    return dict(zip(active, details.get("key_last_used") or [], strict=False))


def _normalize_user(item: Item) -> dict[str, Any]:
    details = item.details
    now = datetime.now(timezone.utc)
    attached = item.raw.get("AttachedManagedPolicies") or []
    admin_arn = f"arn:{item.context.partition}:iam::aws:policy/{_ADMINISTRATOR_ACCESS}"
    return {
        **_principal_policies(item, "UserPolicyList"),
        "groups": list(item.raw.get("GroupList") or []),
        "has_console_password": details.get("login_profile") is not None,
        "mfa_enabled": bool(details.get("mfa_devices")),
        **access_key_facts(details.get("access_keys"), _key_last_use(details), now),
        "administrator_access_attached": any(entry.get("PolicyArn") == admin_arn for entry in attached),
    }


USER = ResourceSpec(
    type="aws.iam.user",
    service="iam",
    scope="global",
    listing=_authorization_details("User", "UserDetailList"),
    id="{UserName}",
    name="{UserName}",
    arn="{Arn}",
    details=(
        Detail("mfa_devices", Call("list_mfa_devices", _USER, result="MFADevices"), ("mfa_enabled",)),
        Detail(
            "login_profile",
            # Only the presence of a console password is kept; nothing else from the profile.
            Call("get_login_profile", _USER, result="LoginProfile.UserName", absent=("NoSuchEntity",)),
            ("has_console_password",),
        ),
        Detail(
            "access_keys",
            Call("list_access_keys", _USER, result="AccessKeyMetadata"),
            ("access_keys", "access_keys_not_rotated", "access_keys_unused"),
        ),
        Detail(
            "key_last_used",
            Call("get_access_key_last_used", {"AccessKeyId": "{@}"}, result="AccessKeyLastUsed.LastUsedDate"),
            ("access_keys_unused",),
            for_each="access_keys[?Status=='Active'].AccessKeyId",
        ),
    ),
    fields=(
        *_PRINCIPAL_FIELDS,
        "groups",
        "has_console_password",
        "mfa_enabled",
        "access_keys",
        "access_keys_not_rotated",
        "access_keys_unused",
        "administrator_access_attached",
    ),
    normalize=_normalize_user,
    tags=tag_list("Tags"),
)


# -- roles and groups ------------------------------------------------------


def _normalize_role(item: Item) -> dict[str, Any]:
    principal = _principal_policies(item, "RolePolicyList")
    return {**principal, "is_service_linked": principal["path"].startswith(SERVICE_LINKED_PATH)}


ROLE = ResourceSpec(
    type="aws.iam.role",
    service="iam",
    scope="global",
    listing=_authorization_details("Role", "RoleDetailList"),
    id="{RoleName}",
    name="{RoleName}",
    arn="{Arn}",
    fields=(*_PRINCIPAL_FIELDS, "is_service_linked"),
    normalize=_normalize_role,
    tags=tag_list("Tags"),
)

GROUP = ResourceSpec(
    type="aws.iam.group",
    service="iam",
    scope="global",
    listing=_authorization_details("Group", "GroupDetailList"),
    id="{GroupName}",
    name="{GroupName}",
    arn="{Arn}",
    fields=_PRINCIPAL_FIELDS,
    normalize=lambda item: _principal_policies(item, "GroupPolicyList"),
)


# -- customer-managed policies -----------------------------------------------


def _normalize_policy(item: Item) -> dict[str, Any]:
    versions = item.raw.get("PolicyVersionList") or []
    default = next((version for version in versions if version.get("IsDefaultVersion")), {})
    return {
        "path": item.raw.get("Path", "/"),
        "default_version_id": item.raw.get("DefaultVersionId"),
        "attachment_count": item.raw.get("AttachmentCount", 0),
        "full_admin_statements": policy.full_admin_statements(default.get("Document")),
    }


POLICY = ResourceSpec(
    type="aws.iam.policy",
    service="iam",
    scope="global",
    # LocalManagedPolicy = customer-managed (Scope=Local); AWS-managed policies are not listed.
    listing=_authorization_details("LocalManagedPolicy", "Policies"),
    # Policy ARNs are the stable identity; moto omits PolicyName here, hence the fallback.
    id="{Arn}",
    name="{PolicyName || Arn}",
    arn="{Arn}",
    fields=("path", "default_version_id", "attachment_count", "full_admin_statements"),
    normalize=_normalize_policy,
)

SPECS = (ACCOUNT, GROUP, POLICY, ROLE, USER)
