"""Report writers: each turns a ``ScanResult`` (and its control coverage, built once) into one format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scanner.coverage import Coverage
from scanner.errors import UsageError
from scanner.models import ScanResult
from scanner.reports import controls_json, controls_markdown, html, json_report, markdown, sarif

Writer = Callable[[ScanResult, Coverage], str]

WRITERS: dict[str, tuple[str, Writer]] = {
    "json": ("findings.json", lambda result, coverage: json_report.render(result)),
    "sarif": ("findings.sarif", lambda result, coverage: sarif.render(result)),
    "markdown": ("findings.md", markdown.render),
    "html": ("findings.html", html.render),
    "controls": ("controls.json", lambda result, coverage: controls_json.render_coverage(coverage)),
    "controls-md": ("controls.md", lambda result, coverage: controls_markdown.render_coverage(coverage)),
}


def write_reports(result: ScanResult, coverage: Coverage, formats: list[str], output_dir: Path) -> list[Path]:
    """Write each requested format into ``output_dir``; return the paths written."""
    written = []
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        for name in formats:
            filename, render = WRITERS[name]
            path = output_dir / filename
            path.write_text(render(result, coverage), encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise UsageError(f"cannot write reports to {output_dir}: {exc.strerror or exc}") from None
    return written
