"""The JSON report: the ``ScanResult`` model as published in reports/findings.schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scanner.datafile import first_error
from scanner.errors import UsageError
from scanner.models import ScanResult

SCHEMA_FILE = "findings.schema.json"


def render(result: ScanResult) -> str:
    return json.dumps(result.model_dump(mode="json"), indent=2, sort_keys=False) + "\n"


def read_report(path: Path) -> ScanResult:
    """Read a saved findings.json back (for re-rendering, control coverage and baselines)."""
    try:
        return ScanResult.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValidationError as exc:
        location, message = first_error(exc)
        where = ".".join(str(part) for part in location) or "(root)"
        raise UsageError(f"{path} is not a cloudscan findings report: {where}: {message}") from None


def json_schema() -> dict[str, Any]:
    """The published JSON Schema, generated from the models so it cannot drift from them."""
    schema = ScanResult.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "cloudscan findings report",
        "description": "The JSON report written by `cloudscan scan` (findings.json).",
    }


def schema_text() -> str:
    """The schema as published in reports/findings.schema.json (``cloudscan schema`` prints it)."""
    return json.dumps(json_schema(), indent=2) + "\n"
