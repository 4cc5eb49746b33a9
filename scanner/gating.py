"""Exit codes: what a finished scan means for the calling shell or CI job.

0  nothing failing at or above --fail-on (and the scan was complete)
1  at least one FAIL finding at or above --fail-on (with --fail-on-new-only: a new one)
2  usage or configuration error (raised before scanning)
3  the scan is incomplete (ERROR findings or scan errors) and no gating failure
MUTED findings never fail a run.
"""

from __future__ import annotations

from scanner.models import ScanResult, Severity, Status

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3

FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "info", "none")


def gating_failures(result: ScanResult, fail_on: str, new_only: bool = False) -> int:
    """How many FAIL findings are at or above ``fail_on`` (``none``: never); with ``new_only``, only new ones."""
    if fail_on == "none":
        return 0
    threshold = Severity(fail_on).rank
    return sum(
        1
        for f in result.findings
        if f.status is Status.FAIL and f.severity.rank >= threshold and (not new_only or f.baseline == "new")
    )


def is_incomplete(result: ScanResult) -> bool:
    return bool(result.errors) or any(f.status is Status.ERROR for f in result.findings)


def exit_code(result: ScanResult, fail_on: str, new_only: bool = False) -> int:
    if gating_failures(result, fail_on, new_only):
        return EXIT_FINDINGS
    if is_incomplete(result):
        return EXIT_INCOMPLETE
    return EXIT_OK
