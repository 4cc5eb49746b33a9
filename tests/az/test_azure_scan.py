"""The Azure error contract, clouds, subscriptions and the CLI, against the real SDK clients."""

from __future__ import annotations

import json
import time

import pytest

from scanner.errors import ScanAborted, UsageError
from scanner.gating import exit_code
from scanner.models import Status
from scanner.providers.azure import session as azure_session
from scanner.providers.azure.cloud import KNOWN_CLOUDS, resolve_cloud
from scanner.providers.azure.session import credential_options
from scanner.providers.base import MissingTarget
from tests.support import run_cli
from tests.support.azure import (
    ACCOUNTS,
    SUB,
    FakeArm,
    FakeCredential,
    Route,
    account,
    blob_service,
    make_session,
    run,
    scan,
)
from tests.support.scanning import rules_by_id

RULE = "azure.storage.account_https_only"
THROTTLED = {"error": {"code": "TooManyRequests", "message": "The request is being throttled."}}


def test_throttling_honours_retry_after_then_succeeds(arm: FakeArm):
    arm.sequence(
        ACCOUNTS,
        Route(429, THROTTLED, {"Retry-After": "1"}),
        Route(200, [account("afterwait")]),
    )
    blob_service(arm, "afterwait")
    started = time.monotonic()
    result = scan(arm, RULE, max_attempts=3)
    assert time.monotonic() - started >= 1.0, "the client waited as Retry-After asked"
    assert arm.count(ACCOUNTS) == 2
    assert result.errors == ()
    assert [f.status for f in result.findings] == [Status.PASS]


def test_throttling_past_the_retries_is_an_error_never_a_pass(arm: FakeArm):
    arm.error(ACCOUNTS, 429, "TooManyRequests", "The request is being throttled.", {"Retry-After": "0"})
    result = scan(arm, RULE, max_attempts=2)
    (error,) = result.errors
    assert (error.service, error.operation, error.code) == ("storage", "storage_accounts.list", "TooManyRequests")
    assert arm.count(ACCOUNTS) == 2
    (finding,) = result.findings
    assert finding.status is Status.ERROR and finding.resource.id == "*"
    assert exit_code(result, "none") == 3


def test_authorization_failed_on_listing(arm: FakeArm):
    arm.error(
        ACCOUNTS,
        403,
        "AuthorizationFailed",
        f"The client 'x' does not have authorization to perform action "
        f"'Microsoft.Storage/storageAccounts/read' over scope '/subscriptions/{SUB}'.",
    )
    result = scan(arm, RULE)
    (error,) = result.errors
    assert error.code == "AuthorizationFailed" and "Microsoft.Storage/storageAccounts/read" in error.message
    assert {f.status for f in result.findings} == {Status.ERROR}
    assert result.summary.by_status["PASS"] == 0


def test_timeout_is_an_error(arm: FakeArm):
    arm.sequence(ACCOUNTS, Route(200, [account("slow")], delay=2.0))
    result = scan(arm, RULE, timeout=0.5)
    (error,) = result.errors
    assert error.code == "Timeout"
    assert {f.status for f in result.findings} == {Status.ERROR}


def test_all_subscriptions_lists_enabled_ones_across_pages(arm: FakeArm):
    other = "00000000-0000-4000-8000-000000000002"
    disabled = "00000000-0000-4000-8000-000000000003"
    arm.collection(
        "/subscriptions",
        [
            {
                "id": f"/subscriptions/{sub}",
                "subscriptionId": sub,
                "displayName": name,
                "state": state,
                "tenantId": "11111111-1111-4111-8111-111111111111",
            }
            for sub, name, state in ((SUB, "prod", "Enabled"), (other, "dev", "Enabled"), (disabled, "old", "Disabled"))
        ],
        page_size=2,
    )
    for subscription, name in ((SUB, "prodacct"), (other, "devacct")):
        arm.collection(
            f"/subscriptions/{subscription}/providers/Microsoft.Storage/storageAccounts",
            [account(name) | {"id": account(name)["id"].replace(SUB, subscription)}],
        )
        arm.resource(
            f"/subscriptions/{subscription}/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/{name}"
            "/blobServices/default",
            {"properties": {"deleteRetentionPolicy": {"enabled": True, "days": 7}}},
        )
    result = run(make_session(arm), rules_by_id(RULE), all_subscriptions=True)
    assert {f.resource.account for f in result.findings} == {SUB, other}
    assert result.scan.account == "multiple-subscriptions"
    assert arm.methods == {"GET"}, "read-only: the scan only reads"
    assert result.scan.api_calls == len(arm.requests), "every call counted, the subscription listing included"


def test_no_subscription_visible_aborts(arm: FakeArm):
    arm.collection("/subscriptions", [])
    with pytest.raises(ScanAborted, match="no enabled subscription"):
        run(make_session(arm), [], all_subscriptions=True)


def test_subscription_choice_is_required(monkeypatch):
    """Without a subscription or $AZURE_SUBSCRIPTION_ID the provider says so (the CLI words it in its flags)."""
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    with pytest.raises(MissingTarget, match=r"\$AZURE_SUBSCRIPTION_ID is not set"):
        run(make_session_unused(), [], subscriptions=None)


def make_session_unused():
    return azure_session.AzureSession(FakeCredential(), KNOWN_CLOUDS["public"])


def test_sovereign_and_custom_clouds(monkeypatch):
    assert resolve_cloud("china").arm_endpoint == "https://management.chinacloudapi.cn"
    assert resolve_cloud("usgov").authority_host == "https://login.microsoftonline.us"
    assert resolve_cloud("public").arm_scope == "https://management.azure.com/.default"
    stack = resolve_cloud(
        "public", arm_endpoint="https://management.local.azurestack.external/", authority_host="https://adfs.local/adfs"
    )
    assert stack.audience == "https://management.local.azurestack.external", "custom ARM is its own audience"
    assert stack.custom_authority
    options = credential_options(stack, "tenant-1")
    assert options["disable_instance_discovery"] is True and options["authority"] == "https://adfs.local/adfs"
    assert "disable_instance_discovery" not in credential_options(resolve_cloud("usgov"))
    monkeypatch.setenv("CLOUDSCAN_AZURE_ARM_ENDPOINT", "https://arm.private.example")
    monkeypatch.setenv("CLOUDSCAN_AZURE_TOKEN_AUDIENCE", "https://audience.private.example")
    private = resolve_cloud("public")
    assert (private.arm_endpoint, private.audience) == (
        "https://arm.private.example",
        "https://audience.private.example",
    )
    assert not private.custom_authority
    with pytest.raises(UsageError):
        resolve_cloud("public", arm_endpoint="arm.example")


@pytest.fixture
def cli_session(arm: FakeArm, monkeypatch):
    """The CLI builds its session through open_session; point it at the fake ARM server with a fake credential."""
    monkeypatch.setattr(azure_session, "open_session", lambda cloud, tenant, attempts, timeout: make_session(arm))
    return arm


def test_cli_scan_azure_writes_reports_and_gates(cli_session: FakeArm, monkeypatch, capsys, tmp_path):
    cli_session.collection(ACCOUNTS, [account("plainhttp", supportsHttpsTrafficOnly=False)])
    blob_service(cli_session, "plainhttp")
    code, out, err = run_cli(
        monkeypatch,
        capsys,
        "scan",
        "azure",
        "--subscription",
        SUB,
        "--rule",
        RULE,
        "--format",
        "json",
        "--format",
        "sarif",
        "--output-dir",
        str(tmp_path),
    )
    assert code == 1, err
    assert f"azure account {SUB}" in out
    report = json.loads((tmp_path / "findings.json").read_text())
    (finding,) = report["findings"]
    assert finding["status"] == "FAIL" and finding["controls"]
    sarif = json.loads((tmp_path / "findings.sarif").read_text())
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith(f"azure/{SUB}/westeurope/storage/")
    everything = out + err + "".join(path.read_text() for path in tmp_path.iterdir())
    assert FakeCredential.token not in everything


def test_cli_uses_azure_subscription_id_from_the_environment(cli_session: FakeArm, monkeypatch, capsys, tmp_path):
    cli_session.collection(ACCOUNTS, [account("secure")])
    blob_service(cli_session, "secure")
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUB)
    code, _, _ = run_cli(monkeypatch, capsys, "scan", "azure", "--rule", RULE, "--quiet", "--output-dir", str(tmp_path))
    assert code == 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--subscription", SUB, "--all-subscriptions"], "not both"),
        ([], "--subscription"),
        (["--subscription", SUB, "--arm-endpoint", "not-a-url"], "must be a URL"),
        (["--azure-cloud", "mars"], "--azure-cloud"),
        (["--subscription", SUB, "--rule", "aws.s3.*"], "no azure rule matches"),
    ],
)
def test_cli_bad_azure_input_is_one_line(cli_session, monkeypatch, capsys, args, needle):
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    code, _, err = run_cli(monkeypatch, capsys, "scan", "azure", *args)
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith("cloudscan: error:") and needle in line
