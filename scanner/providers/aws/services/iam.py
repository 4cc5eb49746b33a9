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
from scanner.providers.spec import Call, Detail, Item, ResourceSpec, singleton, tag_list

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


def _account_summary(summary: dict[str, Any] | None) -> dict[str, Any]:
    summary = summary or {}
    return {
        "root_mfa_enabled": summary.get("AccountMFAEnabled") == 1,
        "root_access_keys_present": summary.get("AccountAccessKeysPresent") == 1,
    }


def _password_policy(password_policy: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "password_policy_present": password_policy is not None,
        "password_minimum_length": (password_policy or {}).get("MinimumPasswordLength"),
        "password_policy_gaps": password_policy_gaps(password_policy),
        "password_reuse_prevention": (password_policy or {}).get("PasswordReusePrevention"),
    }


ACCOUNT = singleton(
    type="aws.iam.account",
    service="iam",
    id="{account}",
    name="IAM account settings",
    details=(
        Detail("summary", Call("get_account_summary", result="SummaryMap"), _account_summary),
        Detail(
            "password_policy",
            Call("get_account_password_policy", result="PasswordPolicy", absent=("NoSuchEntity",)),
            _password_policy,
        ),
    ),
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


# -- users -----------------------------------------------------------------


def _key_ages(keys: list[dict[str, Any]] | None, now: datetime) -> list[tuple[dict[str, Any], str, int | None]]:
    """Each key with its shortened id and its age in days (None when the creation date is unreadable)."""
    aged = []
    for key in keys or []:
        created = _as_datetime(key.get("CreateDate"))
        aged.append((key, short_key(str(key.get("AccessKeyId", ""))), _days_since(created, now) if created else None))
    return aged


def _is_active(key: dict[str, Any]) -> bool:
    return key.get("Status") == "Active"


def access_key_ages(keys: list[dict[str, Any]] | None, now: datetime | None = None) -> dict[str, Any]:
    """A user's access keys with their ages (shortened key ids), and the active ones not rotated in time."""
    aged = _key_ages(keys, now or datetime.now(timezone.utc))
    return {
        "access_keys": [{"key": label, "status": key.get("Status"), "age_days": age} for key, label, age in aged],
        "access_keys_not_rotated": [
            {"key": label, "age_days": age}
            for key, label, age in aged
            if _is_active(key) and age is not None and age > KEY_MAX_AGE_DAYS
        ],
    }


def unused_access_keys(
    keys: list[dict[str, Any]] | None, last_used: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """The active keys unused for ``KEY_MAX_IDLE_DAYS``, with shortened key ids.

    ``last_used`` maps active key ids to their last use; a key never used counts
    as idle since its creation.
    """
    idle = []
    for key, label, age in _key_ages(keys, now):
        if not _is_active(key) or age is None:
            continue
        used = _as_datetime(last_used.get(str(key.get("AccessKeyId", ""))))
        idle_days = _days_since(used, now) if used else age
        if idle_days >= KEY_MAX_IDLE_DAYS:
            idle.append({"key": label, "days_unused": idle_days, "ever_used": used is not None})
    return idle


def _key_last_use(details: dict[str, Any]) -> dict[str, Any]:
    """Pair the per-key answers of ``key_last_used`` with the active key ids they were asked for."""
    active = [str(key.get("AccessKeyId")) for key in details.get("access_keys") or [] if _is_active(key)]
    return dict(zip(active, details.get("key_last_used") or [], strict=False))


def _normalize_user(item: Item) -> dict[str, Any]:
    details = item.details
    now = datetime.now(timezone.utc)
    attached = item.raw.get("AttachedManagedPolicies") or []
    admin_arn = f"arn:{item.context.partition}:iam::aws:policy/{_ADMINISTRATOR_ACCESS}"
    return {
        **_principal_policies(item, "UserPolicyList"),
        "groups": list(item.raw.get("GroupList") or []),
        "access_keys_unused": unused_access_keys(details.get("access_keys"), _key_last_use(details), now),
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
        Detail(
            "mfa_devices",
            Call("list_mfa_devices", _USER, result="MFADevices"),
            lambda devices: {"mfa_enabled": bool(devices)},
        ),
        Detail(
            "login_profile",
            # Only the presence of a console password is kept; nothing else from the profile.
            Call("get_login_profile", _USER, result="LoginProfile.UserName", absent=("NoSuchEntity",)),
            lambda profile: {"has_console_password": profile is not None},
        ),
        Detail(
            "access_keys",
            Call("list_access_keys", _USER, result="AccessKeyMetadata"),
            access_key_ages,
            # read with the keys' last use by _normalize_user (key_last_used iterates over these keys)
            provides=("access_keys_unused",),
        ),
        Detail(
            "key_last_used",
            Call("get_access_key_last_used", {"AccessKeyId": "{@}"}, result="AccessKeyLastUsed.LastUsedDate"),
            provides=("access_keys_unused",),
            for_each="access_keys[?Status=='Active'].AccessKeyId",
        ),
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
    normalize=_normalize_policy,
)

SPECS = (ACCOUNT, GROUP, POLICY, ROLE, USER)
