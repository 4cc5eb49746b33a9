"""The JSON report: the ``ScanResult`` model as published in reports/findings.schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scanner.datafile import first_error
from scanner.errors import UsageError
from scanner.models import SCHEMA_MAJOR, SCHEMA_VERSION, ScanResult

SCHEMA_FILE = "findings.schema.json"
# Names the major version: a reader of findings-1 can read every 1.x report.
SCHEMA_ID = f"urn:cloudscan:schema:findings:{SCHEMA_MAJOR}"


def render(result: ScanResult) -> str:
    return json.dumps(result.model_dump(mode="json"), indent=2, sort_keys=False) + "\n"


def read_report(path: Path) -> ScanResult:
    """Read a saved findings.json back (for re-rendering, control coverage and baselines).

    A report of an unknown major schema version is refused rather than misread.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a cloudscan findings report: not UTF-8 text") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not a cloudscan findings report: invalid JSON: {exc.msg}") from None
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if isinstance(version, str) and version.split(".")[0] != SCHEMA_MAJOR:
        raise UsageError(
            f"{path} has findings schema version {version}; this cloudscan reads {SCHEMA_MAJOR}.x "
            f"(version {SCHEMA_VERSION})"
        )
    try:
        return ScanResult.model_validate(raw)
    except ValidationError as exc:
        location, message = first_error(exc)
        where = ".".join(str(part) for part in location) or "(root)"
        raise UsageError(f"{path} is not a cloudscan findings report: {where}: {message}") from None


def json_schema() -> dict[str, Any]:
    """The published JSON Schema, generated from the models so it cannot drift from them."""
    schema = ScanResult.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "cloudscan findings report",
        "description": "The JSON report written by `cloudscan scan` (findings.json).",
    }


def schema_text() -> str:
    """The schema as published in reports/findings.schema.json (``cloudscan schema`` prints it)."""
    return json.dumps(json_schema(), indent=2) + "\n"
