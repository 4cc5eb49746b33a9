"""IAM: root account and password policy, users' credentials, and admin-granting policies.

Users, roles, groups and customer-managed policies are listed with
``GetAccountAuthorizationDetails``: one paginated, read-only call per type that
already carries every inline policy document and attached managed policy, so no
per-policy ``Get*Policy`` call is needed.

Access-key last use is the one fact IAM only gives per key
(``GetAccessKeyLastUsed``): a ``for_each`` detail calls it once per active key.
Console-password last use comes from one ``ListUsers`` lookup shared by all
users, so users need no credential report.

The root user's last use is only in the credential report. The scanner reads an
existing report (``GetCredentialReport``) and never generates one
(``GenerateCredentialReport`` starts a job in the account): without a current
report, the root-usage fields are unavailable and their rule reports ERROR with
IAM's ``ReportNotPresent`` / ``ReportExpired`` answer. Only the root user's row
of the report is kept.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from typing import Any

from scanner.providers.aws import policy
from scanner.providers.spec import Aggregate, Call, Detail, Item, Lookup, ResourceSpec, singleton, tag_list
from scanner.providers.timestamps import as_utc, days_since

KEY_MAX_AGE_DAYS = 90
KEY_MAX_IDLE_DAYS = 90
CREDENTIAL_MAX_IDLE_DAYS = 45
ROOT_RECENT_USE_DAYS = 90
PASSWORD_MIN_LENGTH = 14
SERVICE_LINKED_PATH = "/aws-service-role/"
_ADMINISTRATOR_ACCESS = "AdministratorAccess"
CLOUDSHELL_FULL_ACCESS = "AWSCloudShellFullAccess"
_ROOT_ROW = "<root_account>"
# Columns of the credential report that record a use of the root user's credentials.
_ROOT_USE_COLUMNS = (
    ("password", "password_last_used"),
    ("access key 1", "access_key_1_last_used_date"),
    ("access key 2", "access_key_2_last_used_date"),
)
_USER = {"UserName": "{UserName}"}


# Users, roles, groups and customer-managed policies come from one paged GetAccountAuthorizationDetails:
# every IAM type asks for the same answer (the collector makes a call once per scan) and takes its list.
_AUTHORIZATION_FILTER = ["User", "Role", "Group", "LocalManagedPolicy"]


def _authorization_details(result: str) -> Call:
    return Call("get_account_authorization_details", {"Filter": _AUTHORIZATION_FILTER}, result=result)


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


def _report_rows(content: Any) -> list[dict[str, str]]:
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    if not isinstance(content, str):
        return []
    return list(csv.DictReader(io.StringIO(content)))


def root_usage(report: dict[str, Any] | None, now: datetime | None = None) -> dict[str, Any]:
    """When the root user's password and access keys were last used, from the credential report's root row.

    ``root_not_used_recently`` is None when the report has no root row (IAM always writes one), so
    the rule reports ERROR rather than a verdict it cannot prove. Other users' rows are never read.
    """
    now = now or datetime.now(timezone.utc)
    report = report or {}
    root = next((row for row in _report_rows(report.get("Content")) if row.get("user") == _ROOT_ROW), None)
    uses = []
    for credential, column in _ROOT_USE_COLUMNS:
        used = as_utc((root or {}).get(column))
        if used is not None:
            uses.append(
                {"credential": credential, "last_used": used.date().isoformat(), "days_ago": days_since(used, now)}
            )
    uses.sort(key=lambda use: use["days_ago"])
    last = uses[0]["days_ago"] if uses else None
    generated = as_utc(report.get("GeneratedTime"))
    return {
        "root_credentials_used": uses,
        "root_last_used_days_ago": last,
        "root_not_used_recently": None if root is None else (last is None or last >= ROOT_RECENT_USE_DAYS),
        "credential_report_generated": generated.isoformat(timespec="seconds") if generated else None,
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
        # Read-only: an existing report is read, never generated. ReportNotPresent / ReportExpired
        # make the root-usage fields unavailable (ERROR), which is what the rule should say.
        Detail("credential_report", Call("get_credential_report"), root_usage),
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


def aws_managed_policy_arn(name: str, partition: str | None) -> str:
    return f"arn:{partition or 'aws'}:iam::aws:policy/{name}"


def _principal_policies(item: Item, inline_key: str) -> dict[str, Any]:
    inline = item.raw.get(inline_key) or []
    attached = [str(entry.get("PolicyArn")) for entry in item.raw.get("AttachedManagedPolicies") or []]
    return {
        "path": item.raw.get("Path", "/"),
        "inline_policy_names": [str(entry.get("PolicyName")) for entry in inline],
        "inline_full_admin_policies": inline_full_admin(inline),
        "attached_policy_arns": attached,
        "administrator_access_attached": aws_managed_policy_arn(_ADMINISTRATOR_ACCESS, item.context.partition)
        in attached,
    }


# -- users -----------------------------------------------------------------


def _key_ages(keys: list[dict[str, Any]] | None, now: datetime) -> list[tuple[dict[str, Any], str, int | None]]:
    """Each key with its shortened id and its age in days (None when the creation date is unreadable)."""
    aged = []
    for key in keys or []:
        created = as_utc(key.get("CreateDate"))
        aged.append((key, short_key(str(key.get("AccessKeyId", ""))), days_since(created, now) if created else None))
    return aged


def _is_active(key: dict[str, Any]) -> bool:
    return key.get("Status") == "Active"


def access_key_ages(keys: list[dict[str, Any]] | None, now: datetime | None = None) -> dict[str, Any]:
    """A user's access keys with their ages (shortened key ids), and the active ones not rotated in time."""
    aged = _key_ages(keys, now or datetime.now(timezone.utc))
    return {
        "access_keys": [{"key": label, "status": key.get("Status"), "age_days": age} for key, label, age in aged],
        "active_access_key_count": sum(1 for key, _, _ in aged if _is_active(key)),
        "access_keys_not_rotated": [
            {"key": label, "age_days": age}
            for key, label, age in aged
            if _is_active(key) and age is not None and age > KEY_MAX_AGE_DAYS
        ],
    }


def unused_access_keys(
    keys: list[dict[str, Any]] | None,
    last_used: dict[str, Any],
    now: datetime,
    max_idle_days: int = KEY_MAX_IDLE_DAYS,
) -> list[dict[str, Any]]:
    """The active keys unused for ``max_idle_days`` or more, with shortened key ids.

    ``last_used`` maps active key ids to their last use; a key never used counts
    as idle since its creation.
    """
    idle = []
    for key, label, age in _key_ages(keys, now):
        if not _is_active(key) or age is None:
            continue
        used = as_utc(last_used.get(str(key.get("AccessKeyId", ""))))
        idle_days = days_since(used, now) if used else age
        if idle_days >= max_idle_days:
            idle.append({"key": label, "days_unused": idle_days, "ever_used": used is not None})
    return idle


def unused_password(
    password_created: Any, password_last_used: Any, now: datetime, max_idle_days: int = CREDENTIAL_MAX_IDLE_DAYS
) -> dict[str, Any] | None:
    """The console password if unused for ``max_idle_days`` or more, else None (also without a password).

    Idle time runs from the later of the last sign-in and the login profile's creation, so a
    password set up again after an old sign-in counts from when it was set up.
    """
    created = as_utc(password_created)
    if created is None:
        return None
    used = as_utc(password_last_used)
    idle_days = days_since(max(created, used) if used else created, now)
    if idle_days < max_idle_days:
        return None
    return {"credential": "console password", "days_unused": idle_days, "ever_used": used is not None}


def _password_last_used(users: list[dict[str, Any]] | None, user_name: Any) -> Any:
    return next((user.get("PasswordLastUsed") for user in users or [] if user.get("UserName") == user_name), None)


def _key_last_use(details: dict[str, Any]) -> dict[str, Any]:
    """Pair the per-key answers of ``key_last_used`` with the active key ids they were asked for."""
    active = [str(key.get("AccessKeyId")) for key in details.get("access_keys") or [] if _is_active(key)]
    return dict(zip(active, details.get("key_last_used") or [], strict=False))


def _normalize_user(item: Item) -> dict[str, Any]:
    details = item.details
    now = datetime.now(timezone.utc)
    key_last_use = _key_last_use(details)
    password = unused_password(
        details.get("login_profile"), _password_last_used(item.lookups.get("users"), item.raw.get("UserName")), now
    )
    idle_keys = unused_access_keys(details.get("access_keys"), key_last_use, now, CREDENTIAL_MAX_IDLE_DAYS)
    return {
        **_principal_policies(item, "UserPolicyList"),
        "groups": list(item.raw.get("GroupList") or []),
        "access_keys_unused": unused_access_keys(details.get("access_keys"), key_last_use, now),
        "credentials_unused": ([password] if password else [])
        + [
            {"credential": f"access key {key['key']}", "days_unused": key["days_unused"], "ever_used": key["ever_used"]}
            for key in idle_keys
        ],
    }


USER = ResourceSpec(
    type="aws.iam.user",
    service="iam",
    scope="global",
    listing=_authorization_details("UserDetailList"),
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
            # Only the presence of a console password and its creation date are kept.
            Call("get_login_profile", _USER, result="LoginProfile.CreateDate", absent=("NoSuchEntity",)),
            lambda created: {"has_console_password": created is not None},
            provides=("credentials_unused",),
        ),
        Detail(
            "access_keys",
            Call("list_access_keys", _USER, result="AccessKeyMetadata"),
            access_key_ages,
            # read with the keys' last use by _normalize_user (key_last_used iterates over these keys)
            provides=("access_keys_unused", "credentials_unused"),
        ),
        Detail(
            "key_last_used",
            Call("get_access_key_last_used", {"AccessKeyId": "{@}"}, result="AccessKeyLastUsed.LastUsedDate"),
            provides=("access_keys_unused", "credentials_unused"),
            for_each="access_keys[?Status=='Active'].AccessKeyId",
        ),
    ),
    # One call for every user: GetAccountAuthorizationDetails has no PasswordLastUsed, ListUsers does.
    lookups=(
        Lookup(
            "users",
            Call("list_users", result="Users[].{UserName: UserName, PasswordLastUsed: PasswordLastUsed}"),
            provides=("credentials_unused",),
        ),
    ),
    normalize=_normalize_user,
    tags=tag_list("Tags"),
)


# -- roles and groups ------------------------------------------------------


def _normalize_role(item: Item) -> dict[str, Any]:
    principal = _principal_policies(item, "RolePolicyList")
    return {
        **principal,
        "is_service_linked": principal["path"].startswith(SERVICE_LINKED_PATH),
        # The trust policy comes with the listing (AssumeRolePolicyDocument); no GetRole call.
        "trust_public_statements": policy.public_allow_statements(item.raw.get("AssumeRolePolicyDocument")),
    }


ROLE = ResourceSpec(
    type="aws.iam.role",
    service="iam",
    scope="global",
    listing=_authorization_details("RoleDetailList"),
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
    listing=_authorization_details("GroupDetailList"),
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
    listing=_authorization_details("Policies"),
    # Policy ARNs are the stable identity; moto omits PolicyName here, hence the fallback.
    id="{Arn}",
    name="{PolicyName || Arn}",
    arn="{Arn}",
    normalize=_normalize_policy,
)

# -- account-wide view of principals ----------------------------------------


def cloudshell_full_access(principals: list[Any]) -> dict[str, Any]:
    """Which users, groups and roles have the AWS managed AWSCloudShellFullAccess policy attached."""
    suffix = f":iam::aws:policy/{CLOUDSHELL_FULL_ACCESS}"
    holders = sorted(
        f"{principal.type.rsplit('.', 1)[-1]}/{principal.id}"
        for principal in principals
        if any(str(arn).endswith(suffix) for arn in principal.config.get("attached_policy_arns") or [])
    )
    return {"cloudshell_full_access_attached_to": holders, "principal_count": len(principals)}


PRINCIPALS = Aggregate(
    type="aws.iam.principals",
    sources=(USER.type, GROUP.type, ROLE.type),
    name="IAM users, groups and roles",
    build=cloudshell_full_access,
)

SPECS = (ACCOUNT, GROUP, POLICY, ROLE, USER)
AGGREGATES = (PRINCIPALS,)
