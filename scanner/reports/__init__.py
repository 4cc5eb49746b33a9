"""Report writers: each turns a ``ScanResult`` into one output format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scanner.errors import UsageError
from scanner.models import ScanResult
from scanner.reports import controls_json, controls_markdown, html, json_report, markdown, sarif

Writer = Callable[[ScanResult], str]

WRITERS: dict[str, tuple[str, Writer]] = {
    "json": ("findings.json", json_report.render),
    "sarif": ("findings.sarif", sarif.render),
    "markdown": ("findings.md", markdown.render),
    "html": ("findings.html", html.render),
    "controls": ("controls.json", controls_json.render),
    "controls-md": ("controls.md", controls_markdown.render),
}


def write_reports(result: ScanResult, formats: list[str], output_dir: Path) -> list[Path]:
    """Write each requested format into ``output_dir``; return the paths written."""
    written = []
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        for name in formats:
            filename, render = WRITERS[name]
            path = output_dir / filename
            path.write_text(render(result), encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise UsageError(f"cannot write reports to {output_dir}: {exc.strerror or exc}") from None
    return written
