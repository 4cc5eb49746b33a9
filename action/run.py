"""The scan step of the cloudscan GitHub Action (see action.yml).

Reads the action's inputs from ``INPUT_*`` environment variables (action.yml passes
``${{ inputs.* }}`` through ``env:``, never into the script text), builds the
``cloudscan scan`` command as an argument list (no shell, no eval; ``args`` is split
with shlex), runs it, and publishes the result:

* step outputs (``$GITHUB_OUTPUT``): report paths, account, FAIL counts by severity,
  total failed and the scan's exit code;
* the Markdown report (findings.md) appended to ``$GITHUB_STEP_SUMMARY``;
* one ``::notice`` or ``::error`` annotation line.

The script itself always exits 0 once the inputs are read, so the SARIF upload step
still runs when findings gate; action.yml's last step fails the job with ``exit-code``.
It never prints environment values: cloud credentials live there.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import time
from pathlib import Path

# The action installs cloudscan before this step runs: the provider list and gate choices are cloudscan's own.
from scanner.gating import FAIL_ON_CHOICES as FAIL_ON
from scanner.providers.registry import PROVIDERS

SEVERITIES = ("critical", "high", "medium", "low", "info")
EXIT_USAGE = 2

# Report format -> (step output, file name); the file names are read from cloudscan when it is importable.
OUTPUT_FORMATS = {"json": "json-file", "sarif": "sarif-file", "markdown": "markdown-file", "html": "html-file"}
FALLBACK_FILES = {
    "json": "findings.json",
    "sarif": "findings.sarif",
    "markdown": "findings.md",
    "html": "findings.html",
}
# GitHub rejects a step summary over 1 MiB; keep well below it.
SUMMARY_LIMIT = 1_000_000


class InputError(Exception):
    """An action input is invalid: reported as one ::error line with exit code 2."""


def main() -> int:
    outputs: dict[str, str] = {name: "" for name in OUTPUT_FORMATS.values()}
    outputs.update({"account": "", "failed": "", **{severity: "" for severity in SEVERITIES}})
    try:
        inputs = read_inputs()
    except InputError as exc:
        outputs["exit-code"] = str(EXIT_USAGE)
        write_outputs(outputs)
        annotate("error", f"invalid input: {exc}")
        return 0

    command = build_command(inputs)
    print(f"Running: {shlex.join(['cloudscan', *command[3:]])}", flush=True)
    started = time.time()
    code, usage_message = run_cloudscan(command)
    outputs["exit-code"] = str(code)

    files = report_files(inputs["output_dir"], inputs["formats"], started)
    for report_format, output in OUTPUT_FORMATS.items():
        outputs[output] = str(files[report_format]) if report_format in files else ""

    summary = read_summary(files.get("json"))
    if summary is not None:
        outputs.update(summary)
    write_outputs(outputs)
    write_step_summary(files.get("markdown"), inputs, outputs)
    annotate(*headline(inputs, outputs, code, usage_message))
    return 0


def read_inputs() -> dict:
    """Validate the action inputs; values are never echoed except to name a bad one."""
    provider = _input("PROVIDER").lower()
    if provider not in PROVIDERS:
        raise InputError(f"provider must be one of {', '.join(PROVIDERS)}, not {provider!r}")
    fail_on = _input("FAIL_ON", "high").lower()
    if fail_on not in FAIL_ON:
        raise InputError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    try:
        args = shlex.split(_input("ARGS"))
    except ValueError as exc:
        raise InputError(f"args cannot be parsed as shell words: {exc}") from None
    formats = _words(_input("FORMATS", "sarif,json,markdown"))
    if not formats:
        raise InputError("formats must name at least one report format")
    # findings.json is what the outputs are read from, so it is always written.
    formats = list(dict.fromkeys([*formats, "json"]))
    output_dir = _input("OUTPUT_DIR", "cloudscan-results")
    if not output_dir:
        raise InputError("output-dir must not be empty")
    baseline = _input("BASELINE")
    if baseline and not Path(baseline).is_file():
        annotate("notice", f"baseline {baseline} does not exist: scanning without a baseline")
        baseline = ""
        if "--fail-on-new-only" in args:
            # Without a baseline every finding is new (the first run of a nightly job, say).
            args = [arg for arg in args if arg != "--fail-on-new-only"]
            annotate("notice", "no baseline: --fail-on-new-only dropped, gating on every finding")
    return {
        "provider": provider,
        "args": args,
        "frameworks": _words(_input("FRAMEWORKS")),
        "fail_on": fail_on,
        "formats": formats,
        "output_dir": Path(output_dir),
        "waivers": _input("WAIVERS"),
        "baseline": baseline,
    }


def build_command(inputs: dict) -> list[str]:
    """The cloudscan command as an argument list (run without a shell)."""
    command = [sys.executable, "-m", "scanner.cli", "scan", inputs["provider"]]
    for framework in inputs["frameworks"]:
        command += ["--framework", framework]
    for report_format in inputs["formats"]:
        command += ["--format", report_format]
    command += ["--output-dir", str(inputs["output_dir"]), "--fail-on", inputs["fail_on"]]
    if inputs["waivers"]:
        command += ["--waivers", inputs["waivers"]]
    if inputs["baseline"]:
        command += ["--baseline", inputs["baseline"]]
    return command + inputs["args"]


def run_cloudscan(command: list[str]) -> tuple[int, str]:
    """Run the scan; return its exit code and, for a usage error, cloudscan's one-line message.

    The scan's output quotes names and tags from the scanned account, so workflow commands
    are switched off while it runs: a resource named ``::set-output ...`` stays text.
    """
    token = secrets.token_hex(16)
    print(f"::stop-commands::{token}", flush=True)
    try:
        process = subprocess.run(command, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    except OSError as exc:
        print(f"::{token}::", flush=True)
        return EXIT_USAGE, f"cannot run cloudscan: {exc.strerror or exc}"
    usage_message = ""
    for line in process.stderr.splitlines():
        if process.returncode == EXIT_USAGE and line.startswith("cloudscan: error: ") and not usage_message:
            usage_message = line.removeprefix("cloudscan: error: ")
            continue  # becomes the ::error annotation below
        print(line, file=sys.stderr)
    sys.stderr.flush()
    print(f"::{token}::", flush=True)
    return process.returncode, usage_message


def report_files(output_dir: Path, formats: list[str], started: float) -> dict[str, Path]:
    """The reports this run wrote (a stale file from an earlier run in the same directory does not count)."""
    names = _report_file_names()
    written = {}
    for report_format in formats:
        if report_format not in OUTPUT_FORMATS:
            continue
        path = (output_dir / names.get(report_format, FALLBACK_FILES[report_format])).absolute()
        try:
            fresh = path.is_file() and path.stat().st_mtime >= started - 2
        except OSError:
            fresh = False
        if fresh:
            written[report_format] = path
    return written


def _report_file_names() -> dict[str, str]:
    try:
        from scanner.reports import WRITERS
    except ImportError:
        return dict(FALLBACK_FILES)
    return {name: filename for name, (filename, _render) in WRITERS.items()}


def read_summary(path: Path | None) -> dict[str, str] | None:
    """Account and FAIL counts by severity from findings.json."""
    if path is None:
        return None
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        failed = report["summary"]["failed_by_severity"]
        counts = {severity: int(failed.get(severity, 0)) for severity in SEVERITIES}
        account = str(report["scan"]["account"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        annotate("warning", f"cannot read {path.name}: {exc}")
        return None
    return {
        "account": account,
        "failed": str(sum(counts.values())),
        **{severity: str(count) for severity, count in counts.items()},
    }


def write_outputs(outputs: dict[str, str]) -> None:
    """Append ``name=value`` lines to $GITHUB_OUTPUT (the heredoc form for a multi-line value)."""
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        return
    lines = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
            lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}")
        else:
            lines.append(f"{name}={value}")
    with open(target, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def write_step_summary(markdown: Path | None, inputs: dict, outputs: dict[str, str]) -> None:
    """Append findings.md to $GITHUB_STEP_SUMMARY (or a short counts table when there is none)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    text = ""
    if markdown is not None:
        try:
            text = markdown.read_text(encoding="utf-8")
        except OSError:
            text = ""
    if len(text.encode("utf-8")) > SUMMARY_LIMIT:
        cut = text.encode("utf-8")[:SUMMARY_LIMIT].decode("utf-8", "ignore")
        text = cut[: cut.rfind("\n") + 1] + "\n\n_The report was cut to fit the step summary; see findings.md._\n"
    if not text and outputs.get("failed"):
        rows = "\n".join(f"| {severity} | {outputs[severity]} |" for severity in SEVERITIES)
        text = (
            f"## cloudscan: {inputs['provider']} account {outputs['account']}\n\n"
            f"| failed severity | count |\n| --- | --- |\n{rows}\n\nExit code {outputs['exit-code']}.\n"
        )
    if text:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")


def headline(inputs: dict, outputs: dict[str, str], code: int, usage_message: str) -> tuple[str, str]:
    """The one annotation line: what was scanned, what failed, what the exit code means."""
    provider = inputs["provider"]
    if code == EXIT_USAGE:
        return "error", f"cloudscan {provider}: usage error: {usage_message or 'see the log above'}"
    if not outputs.get("failed"):
        return "error", f"cloudscan {provider}: the scan did not finish (exit code {code}); see the log above"
    counts = ", ".join(f"{severity} {outputs[severity]}" for severity in SEVERITIES)
    scanned = f"cloudscan {provider} account {outputs['account']}: {outputs['failed']} failed ({counts})"
    if code == 0:
        return "notice", f"{scanned}; nothing at or above fail-on {inputs['fail_on']}"
    if code == 1:
        return "error", f"{scanned}; findings at or above fail-on {inputs['fail_on']}"
    if code == 3:
        return "error", f"{scanned}; the scan is incomplete (API calls failed), see the errors in the report"
    return "error", f"{scanned}; exit code {code}"


def annotate(level: str, message: str) -> None:
    """Print one workflow-command annotation, escaped so that the message stays one line of data."""
    escaped = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    print(f"::{level} title=cloudscan::{escaped}", flush=True)


def _input(name: str, default: str = "") -> str:
    value = os.environ.get(f"INPUT_{name}", "").strip()
    return value or default


def _words(value: str) -> list[str]:
    return [word for word in re.split(r"[\s,]+", value) if word]


if __name__ == "__main__":
    sys.exit(main())
