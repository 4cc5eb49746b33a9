"""The JSON report: the ``ScanResult`` model as published in reports/findings.schema.json."""

from __future__ import annotations

import json
from typing import Any

from scanner.models import ScanResult

SCHEMA_FILE = "findings.schema.json"


def render(result: ScanResult) -> str:
    return json.dumps(result.model_dump(mode="json"), indent=2, sort_keys=False) + "\n"


def load(text: str) -> ScanResult:
    """Read a saved JSON report back (for re-rendering and baselines)."""
    return ScanResult.model_validate_json(text)


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
