"""Everything after collection, the same for every provider and every entry point.

waivers → baseline → control coverage (built once, handed to every renderer) →
report files → exit code. The CLI only parses options and builds a target; the
inputs that can be wrong (waiver file, baseline) are read by ``prepare`` before
any API call, so bad input fails in a second, not after a long scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scanner.baseline import apply_baseline
from scanner.coverage import Coverage, build_coverage
from scanner.errors import UsageError
from scanner.gating import exit_code
from scanner.models import ScanResult
from scanner.reports import write_reports
from scanner.reports.json_report import read_report
from scanner.result_data import with_rule_data
from scanner.waivers import Waiver, apply_waivers, load_waivers


@dataclass(frozen=True)
class ReportPlan:
    """What to do with a result: which reports, where, and how the exit code is decided."""

    formats: Sequence[str] = ("json",)
    output_dir: Path = Path("cloudscan-results")
    fail_on: str = "high"
    fail_on_new_only: bool = False
    waivers_path: Path | None = None
    baseline_path: Path | None = None


@dataclass(frozen=True)
class Prepared:
    """The plan with its input files read and validated."""

    plan: ReportPlan
    waivers: tuple[Waiver, ...]
    baseline: ScanResult | None


@dataclass(frozen=True)
class Outcome:
    """A finished scan: the final result, its coverage, the files written, and the exit code."""

    result: ScanResult
    coverage: Coverage
    written: list[Path]
    exit_code: int


def prepare(plan: ReportPlan) -> Prepared:
    """Read the waiver file and the baseline now, so that a bad one fails before the scan starts."""
    if plan.fail_on_new_only and plan.baseline_path is None:
        raise UsageError("fail-on-new-only needs a baseline")
    waivers = load_waivers(plan.waivers_path)
    baseline = read_report(plan.baseline_path) if plan.baseline_path else None
    return Prepared(plan=plan, waivers=waivers, baseline=baseline)


def finish(result: ScanResult, prepared: Prepared, today: date) -> Outcome:
    """Apply waivers and the baseline, write the reports, decide the exit code."""
    plan = prepared.plan
    result = apply_waivers(with_rule_data(result), prepared.waivers, today)
    if prepared.baseline is not None and plan.baseline_path is not None:
        result = apply_baseline(result, prepared.baseline, plan.baseline_path.name)
    coverage = build_coverage(result)
    written = write_reports(result, coverage, list(dict.fromkeys(plan.formats)), plan.output_dir)
    return Outcome(
        result=result,
        coverage=coverage,
        written=written,
        exit_code=exit_code(result, plan.fail_on, plan.fail_on_new_only),
    )


def render(result: ScanResult, formats: Sequence[str], output_dir: Path) -> tuple[Coverage, list[Path]]:
    """Render a saved result again (``cloudscan report``, ``cloudscan controls --from``): no waivers, no gate."""
    result = with_rule_data(result)
    coverage = build_coverage(result)
    return coverage, write_reports(result, coverage, list(dict.fromkeys(formats)), output_dir)
