"""The Google Cloud error contract, project discovery and the CLI, against the real clients."""

from __future__ import annotations

import json
import time

import pytest

from scanner.errors import ScanAborted
from scanner.gating import exit_code
from scanner.models import Status
from scanner.providers.base import MissingTarget
from scanner.providers.gcp import session as gcp_session
from tests.support import run_cli
from tests.support.gcp import FIREWALLS, PROJECT, FakeGcp, Route, firewall, make_session, run, scan
from tests.support.scanning import rules_by_id

RULE = "gcp.compute.firewall_no_public_ssh"
SSH_OPEN = [{"IPProtocol": "tcp", "ports": ["22"]}]
ACTIVE, DELETE_REQUESTED = 1, 2  # resource manager REST answers carry enums as numbers


def _project(project_id: str, parent: str, state: int = ACTIVE) -> dict:
    return {
        "name": f"projects/{abs(hash(project_id)) % 10**12}",
        "projectId": project_id,
        "parent": parent,
        "state": state,
        "displayName": project_id,
    }


def test_organization_and_nested_folders_expand_to_active_projects(gcp: FakeGcp):
    org = "organizations/1234"
    by_parent = {
        org: ([_project("org-level", org)], [{"name": "folders/11", "state": ACTIVE}]),
        "folders/11": (
            [_project("team-a", "folders/11"), _project("old", "folders/11", DELETE_REQUESTED)],
            [{"name": "folders/12", "state": ACTIVE}],
        ),
        "folders/12": ([_project("team-b", "folders/12")], []),
    }
    from werkzeug.wrappers import Response

    def listing(kind):
        def answer(request):
            projects, folders = by_parent[request.args["parent"]]
            body = {"projects": projects} if kind == "projects" else {"folders": folders}
            return Response(json.dumps(body), content_type="application/json")

        return answer

    gcp.handle("/v3/projects", listing("projects"))
    gcp.handle("/v3/folders", listing("folders"))
    for project in ("org-level", "team-a", "team-b"):
        gcp.collection(
            f"/compute/v1/projects/{project}/global/firewalls",
            "items",
            [firewall(f"{project}-ssh", ["0.0.0.0/0"], SSH_OPEN)],
        )
    result = run(make_session(gcp), rules_by_id(RULE), organizations=["1234"])
    assert result.scan.api_calls == len(gcp.requests), "every call counted, project discovery included"
    assert {f.resource.account for f in result.findings} == {"org-level", "team-a", "team-b"}
    assert result.scan.account == "multiple-projects"


def test_throttled_call_is_retried_then_succeeds(gcp: FakeGcp):
    throttled = {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}}
    gcp.sequence(
        FIREWALLS, Route(429, throttled), Route(200, [firewall("ok", ["10.0.0.0/8"], SSH_OPEN)], list_key="items")
    )
    result = scan(gcp, RULE, max_attempts=3)
    assert gcp.count(FIREWALLS) == 2
    assert result.errors == () and [f.status for f in result.findings] == [Status.PASS]


def test_throttling_past_the_retries_is_an_error(gcp: FakeGcp):
    gcp.error(FIREWALLS, 429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests'")
    result = scan(gcp, RULE, max_attempts=1)
    (error,) = result.errors
    assert error.code == "RESOURCE_EXHAUSTED"
    assert exit_code(result, "none") == 3


def test_timeout_is_an_error(gcp: FakeGcp):
    gcp.sequence(FIREWALLS, Route(200, [firewall("slow", ["0.0.0.0/0"], SSH_OPEN)], list_key="items", delay=2.0))
    started = time.monotonic()
    result = scan(gcp, RULE, timeout=0.5)
    assert time.monotonic() - started < 10
    (error,) = result.errors
    assert error.code == "Timeout"
    assert [f.status for f in result.findings] == [Status.ERROR]


def test_no_project_under_the_folder_aborts(gcp: FakeGcp):
    gcp.collection("/v3/projects", "projects", [])
    gcp.collection("/v3/folders", "folders", [])
    with pytest.raises(ScanAborted, match="no active project"):
        run(make_session(gcp), [], folders=["77"])


def test_projects_must_be_chosen(gcp: FakeGcp):
    """Without a project and with no ADC project the provider says so (the CLI words it in its flags)."""
    with pytest.raises(MissingTarget, match="no project chosen"):
        run(make_session(gcp), [])


@pytest.fixture
def cli_session(gcp: FakeGcp, monkeypatch):
    """The CLI opens its session through open_session; aim it at FakeGcp with anonymous credentials."""

    def fake_open(api_endpoint, impersonate, attempts, timeout):
        session = make_session(gcp)
        session.default_project = PROJECT if api_endpoint is None else None
        return session

    monkeypatch.setattr(gcp_session, "open_session", fake_open)
    return gcp


def test_cli_scan_gcp(cli_session: FakeGcp, monkeypatch, capsys, tmp_path):
    cli_session.collection(FIREWALLS, "items", [firewall("default-allow-ssh", ["0.0.0.0/0"], SSH_OPEN)])
    code, out, err = run_cli(
        monkeypatch,
        capsys,
        "scan",
        "gcp",
        "--rule",
        RULE,
        "--format",
        "sarif",
        "--format",
        "json",
        "--output-dir",
        str(tmp_path),
    )
    assert code == 1, err
    assert f"gcp account {PROJECT}" in out, "the ADC project is the default"
    report = json.loads((tmp_path / "findings.json").read_text())
    assert report["findings"][0]["status"] == "FAIL" and report["findings"][0]["controls"]
    uri = json.loads((tmp_path / "findings.sarif").read_text())["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"
    ]["artifactLocation"]["uri"]
    assert uri.startswith(f"gcp/{PROJECT}/global/compute/")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--api-endpoint", "localhost:8080"], "must be a URL"),
        (["--api-endpoint", "http://127.0.0.1:9"], "--project"),
        (["--project", PROJECT, "--rule", "azure.*"], "no gcp rule matches"),
    ],
)
def test_cli_bad_gcp_input_is_one_line(cli_session, monkeypatch, capsys, args, needle):
    code, _, err = run_cli(monkeypatch, capsys, "scan", "gcp", *args)
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith("cloudscan: error:") and needle in line


def test_missing_gcp_extra_is_one_line(monkeypatch, capsys):
    monkeypatch.setitem(__import__("sys").modules, "googleapiclient", None)  # as if the extra were not installed
    code, _, err = run_cli(monkeypatch, capsys, "scan", "gcp", "--project", PROJECT)
    assert code == 2
    assert err.strip() == "cloudscan: error: Google Cloud support needs its extra: pip install 'cloudscan[gcp]'"
