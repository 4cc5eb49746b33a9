"""Each IAM rule failing and passing, through the real Resource Manager (REST) and IAM (discovery) clients."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from scanner.models import Status
from scanner.providers.gcp.services.iam import is_service_agent
from tests.support.gcp import PROJECT, PROJECT_NUMBER, FakeGcp, scan
from tests.support.results import finding, status_of

CLEAN = "acme-dev"
ADMIN_READ, DATA_WRITE, DATA_READ = 1, 2, 3  # google.iam.v1.AuditLogConfig.LogType as the REST API sends it


def policy_path(project: str) -> str:
    return f"/v3/projects/{project}:getIamPolicy"


def accounts_path(project: str = PROJECT) -> str:
    return f"/v1/projects/{project}/serviceAccounts"


def keys_path(email: str, project: str = PROJECT) -> str:
    return f"/v1/projects/{project}/serviceAccounts/{email}/keys"


def policy(bindings: list[dict[str, Any]], audit_configs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A google.iam.v1.Policy as getIamPolicy returns it (numeric enums, as with enum-encoding=int)."""
    body: dict[str, Any] = {"version": 3, "etag": "BwYQzKq1m2E=", "bindings": bindings}
    if audit_configs is not None:
        body["auditConfigs"] = audit_configs
    return body


def binding(role: str, *members: str, **extra: Any) -> dict[str, Any]:
    return {"role": role, "members": list(members), **extra}


ALL_AUDIT = [
    {
        "service": "allServices",
        "auditLogConfigs": [{"logType": ADMIN_READ}, {"logType": DATA_READ}, {"logType": DATA_WRITE}],
    }
]

RISKY = policy(
    [
        binding("roles/owner", "user:alice@acme.example", "serviceAccount:terraform@acme-prod.iam.gserviceaccount.com"),
        binding(
            "roles/editor",
            "group:developers@acme.example",
            f"serviceAccount:{PROJECT_NUMBER}@cloudservices.gserviceaccount.com",
            f"serviceAccount:{PROJECT_NUMBER}-compute@developer.gserviceaccount.com",
        ),
        binding("roles/viewer", "allAuthenticatedUsers"),
        binding(
            "roles/storage.objectViewer",
            "allUsers",
            condition={"title": "public prefix", "expression": "resource.name.startsWith('x')"},
        ),
        binding("roles/storage.admin", "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"),
        binding("roles/cloudkms.admin", "user:bob@acme.example", "group:kms-admins@acme.example"),
        binding("roles/cloudkms.cryptoKeyDecrypter", "user:bob@acme.example"),
        binding("roles/iam.serviceAccountAdmin", "user:carol@acme.example", "deleted:user:dan@acme.example?uid=1"),
        binding("roles/iam.serviceAccountUser", "user:carol@acme.example", "deleted:user:dan@acme.example?uid=1"),
        binding(
            "roles/container.serviceAgent",
            f"serviceAccount:service-{PROJECT_NUMBER}@container-engine-robot.iam.gserviceaccount.com",
        ),
        binding(
            "roles/run.admin", f"serviceAccount:service-{PROJECT_NUMBER}@gcp-sa-cloudbuild.iam.gserviceaccount.com"
        ),
    ],
    [
        {
            "service": "allServices",
            "auditLogConfigs": [
                {"logType": ADMIN_READ},
                {"logType": DATA_READ, "exemptedMembers": ["user:batch@acme.example"]},
            ],
        },
        {"service": "storage.googleapis.com", "auditLogConfigs": [{"logType": DATA_WRITE}]},
    ],
)

CLEAN_POLICY = policy(
    [
        binding("roles/run.developer", "group:developers@acme.example"),
        binding("roles/cloudkms.admin", "group:kms-admins@acme.example"),
        binding("roles/cloudkms.cryptoKeyEncrypterDecrypter", "serviceAccount:app@acme-dev.iam.gserviceaccount.com"),
        binding("roles/iam.serviceAccountAdmin", "group:platform@acme.example"),
        binding("roles/iam.serviceAccountUser", "group:deployers@acme.example"),
        binding("roles/storage.objectViewer", "serviceAccount:app@acme-dev.iam.gserviceaccount.com"),
        binding("roles/editor", f"serviceAccount:{PROJECT_NUMBER}@cloudservices.gserviceaccount.com"),
    ],
    ALL_AUDIT,
)

POLICY_RULES = (
    "gcp.iam.no_basic_roles_for_users",
    "gcp.iam.project_not_public",
    "gcp.iam.service_account_no_admin_roles",
    "gcp.iam.kms_separation_of_duties",
    "gcp.iam.service_account_separation_of_duties",
    "gcp.iam.audit_logs_all_services",
)


def scan_policies(gcp: FakeGcp, risky: dict[str, Any], clean: dict[str, Any], *rules: str):
    gcp.resource(policy_path(PROJECT), risky, method="POST")
    gcp.resource(policy_path(CLEAN), clean, method="POST")
    return scan(gcp, *rules, projects=[PROJECT, CLEAN])


def test_project_policy_rules(gcp: FakeGcp):
    result = scan_policies(gcp, RISKY, CLEAN_POLICY, *POLICY_RULES)
    expected_evidence = {
        "gcp.iam.no_basic_roles_for_users": {
            "basic_role_people": ["roles/editor: group:developers@acme.example", "roles/owner: user:alice@acme.example"]
        },
        "gcp.iam.project_not_public": {
            "public_grants": ["roles/storage.objectViewer: allUsers", "roles/viewer: allAuthenticatedUsers"]
        },
        "gcp.iam.service_account_no_admin_roles": {
            "service_account_admin_grants": [
                f"roles/editor: serviceAccount:{PROJECT_NUMBER}-compute@developer.gserviceaccount.com",
                "roles/owner: serviceAccount:terraform@acme-prod.iam.gserviceaccount.com",
                "roles/storage.admin: serviceAccount:ci@acme-prod.iam.gserviceaccount.com",
            ]
        },
        "gcp.iam.kms_separation_of_duties": {
            "kms_duty_conflicts": ["user:bob@acme.example: roles/cloudkms.admin, roles/cloudkms.cryptoKeyDecrypter"]
        },
        "gcp.iam.service_account_separation_of_duties": {
            "service_account_duty_conflicts": [
                "user:carol@acme.example: roles/iam.serviceAccountAdmin, roles/iam.serviceAccountUser"
            ]
        },
        "gcp.iam.audit_logs_all_services": {
            "audit_missing_log_types": ["DATA_WRITE"],
            "audit_exempted_members": ["DATA_READ: user:batch@acme.example"],
        },
    }
    for rule in POLICY_RULES:
        bad = finding(result, rule, PROJECT)
        assert bad.status is Status.FAIL, rule
        assert bad.evidence == expected_evidence[rule], rule
        assert bad.resource.id == f"projects/{PROJECT}" and bad.resource.provider == "gcp"
        good = finding(result, rule, CLEAN)
        assert good.status is Status.PASS, (rule, good.message)
        assert all(value == [] for value in good.evidence.values()), rule
    assert "DATA_WRITE" in finding(result, "gcp.iam.audit_logs_all_services", PROJECT).message


def test_audit_logs_missing_entirely_or_only_for_one_service(gcp: FakeGcp):
    per_service = policy([], [{"service": "storage.googleapis.com", "auditLogConfigs": [{"logType": DATA_READ}]}])
    rule = "gcp.iam.audit_logs_all_services"
    result = scan_policies(gcp, policy([]), per_service, rule)
    for project in (PROJECT, CLEAN):
        bad = finding(result, rule, project)
        assert bad.status is Status.FAIL
        assert bad.evidence == {
            "audit_missing_log_types": ["ADMIN_READ", "DATA_READ", "DATA_WRITE"],
            "audit_exempted_members": [],
        }


def test_policy_permission_denied_is_an_error(gcp: FakeGcp):
    gcp.error(
        policy_path(PROJECT),
        403,
        "PERMISSION_DENIED",
        f"The caller does not have permission resourcemanager.projects.getIamPolicy on projects/{PROJECT}",
        method="POST",
    )
    result = scan(gcp, *POLICY_RULES)
    for rule in POLICY_RULES:
        error = finding(result, rule, PROJECT)
        assert error.status is Status.ERROR, rule
        assert "PERMISSION_DENIED" in error.message or "403" in error.message, error.message


# -- service accounts --------------------------------------------------------


def account(email: str, **extra: Any) -> dict[str, Any]:
    """A service account as projects.serviceAccounts.list returns it."""
    return {
        "name": f"projects/{PROJECT}/serviceAccounts/{email}",
        "projectId": PROJECT,
        "uniqueId": "104839201938475610293",
        "email": email,
        "displayName": email.split("@")[0],
        "etag": "MDEwMjE5MjA=",
        "oauth2ClientId": "104839201938475610293",
        **extra,
    }


def key(email: str, key_id: str, age_days: int, **extra: Any) -> dict[str, Any]:
    """A user-managed key as projects.serviceAccounts.keys.list returns it (no key material)."""
    created = datetime.now(timezone.utc) - timedelta(days=age_days, hours=1)
    return {
        "name": f"projects/{PROJECT}/serviceAccounts/{email}/keys/{key_id}",
        "validAfterTime": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "validBeforeTime": "9999-12-31T23:59:59Z",
        "keyAlgorithm": "KEY_ALG_RSA_2048",
        "keyOrigin": "GOOGLE_PROVIDED",
        "keyType": "USER_MANAGED",
        **extra,
    }


OLD_SA = f"legacy-etl@{PROJECT}.iam.gserviceaccount.com"
FRESH_SA = f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com"
KEYLESS_SA = f"web@{PROJECT}.iam.gserviceaccount.com"
DISABLED_KEY_SA = f"archive@{PROJECT}.iam.gserviceaccount.com"
AGENT = f"{PROJECT_NUMBER}@cloudbuild.gserviceaccount.com"

KEY_RULES = ("gcp.iam.service_account_no_user_managed_keys", "gcp.iam.service_account_keys_rotated")


def register_accounts(gcp: FakeGcp) -> None:
    gcp.collection(
        accounts_path(),
        "accounts",
        [account(OLD_SA), account(FRESH_SA), account(KEYLESS_SA), account(DISABLED_KEY_SA), account(AGENT)],
        page_size=2,
    )
    gcp.resource(
        keys_path(OLD_SA),
        {"keys": [key(OLD_SA, "4f1c2a9be0d3c7a58e61f0b2d9a4c3e1aa55bb66", 200), key(OLD_SA, "9f3a1c2b77", 10)]},
    )
    gcp.resource(keys_path(FRESH_SA), {"keys": [key(FRESH_SA, "0123456789abcdef0123", 30)]})
    gcp.resource(keys_path(KEYLESS_SA), {})
    gcp.resource(keys_path(DISABLED_KEY_SA), {"keys": [key(DISABLED_KEY_SA, "deadbeefcafe1234", 400, disabled=True)]})


def test_service_account_keys(gcp: FakeGcp):
    register_accounts(gcp)
    result = scan(gcp, *KEY_RULES)

    no_keys, rotated = KEY_RULES
    bad = finding(result, no_keys, OLD_SA)
    assert bad.status is Status.FAIL
    assert bad.evidence == {
        "user_managed_keys": [
            {"key": "…aa55bb66", "age_days": 200, "disabled": False},
            {"key": "…3a1c2b77", "age_days": 10, "disabled": False},
        ]
    }
    assert status_of(result, no_keys, FRESH_SA) is Status.FAIL
    assert status_of(result, no_keys, DISABLED_KEY_SA) is Status.FAIL
    assert status_of(result, no_keys, KEYLESS_SA) is Status.PASS
    assert finding(result, no_keys, KEYLESS_SA).evidence == {"user_managed_keys": []}

    stale = finding(result, rotated, OLD_SA)
    assert stale.status is Status.FAIL
    assert stale.evidence == {"keys_not_rotated": [{"key": "…aa55bb66", "age_days": 200}]}
    assert "…aa55bb66" in stale.message and "4f1c2a9b" not in stale.message
    for email in (FRESH_SA, KEYLESS_SA, DISABLED_KEY_SA):
        assert status_of(result, rotated, email) is Status.PASS, email

    assert not [f for f in result.findings if f.resource.name == AGENT], "service agents are not scanned"
    assert gcp.count(accounts_path()) == 3, "every page was read"
    assert gcp.count(keys_path(AGENT)) == 0


def test_keys_permission_denied_is_an_error(gcp: FakeGcp):
    gcp.collection(accounts_path(), "accounts", [account(OLD_SA)])
    gcp.error(keys_path(OLD_SA), 403, "PERMISSION_DENIED", "Permission 'iam.serviceAccountKeys.list' denied")
    result = scan(gcp, *KEY_RULES)
    for rule in KEY_RULES:
        error = finding(result, rule, OLD_SA)
        assert error.status is Status.ERROR
        assert "PERMISSION_DENIED" in error.message


def test_iam_api_disabled_is_an_error(gcp: FakeGcp):
    gcp.error(
        accounts_path(),
        403,
        "PERMISSION_DENIED",
        f"Identity and Access Management (IAM) API has not been used in project {PROJECT} before or it is disabled.",
        reason="SERVICE_DISABLED",
    )
    result = scan(gcp, *KEY_RULES)
    (error,) = result.errors
    assert error.code == "SERVICE_DISABLED"
    assert [f.status for f in result.findings] == [Status.ERROR, Status.ERROR]


def test_service_agents_are_recognised():
    assert is_service_agent(f"service-{PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com", PROJECT)
    assert is_service_agent(f"{PROJECT_NUMBER}@cloudservices.gserviceaccount.com", PROJECT)
    assert not is_service_agent(f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com", PROJECT)
    assert not is_service_agent(f"service-1234567@{PROJECT}.iam.gserviceaccount.com", PROJECT)
    assert not is_service_agent(f"{PROJECT}@appspot.gserviceaccount.com", PROJECT)
