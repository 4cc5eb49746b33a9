"""The control coverage report as JSON: the ``Coverage`` model, published as reports/controls.schema.json."""

from __future__ import annotations

import json
from typing import Any

from scanner.coverage import Coverage, build_coverage
from scanner.models import ScanResult

SCHEMA_FILE = "controls.schema.json"


def render(result: ScanResult, coverage: Coverage | None = None) -> str:
    return render_coverage(coverage or build_coverage(result))


def render_coverage(coverage: Coverage) -> str:
    return json.dumps(coverage.model_dump(mode="json"), indent=2) + "\n"


def json_schema() -> dict[str, Any]:
    """The published JSON Schema, generated from the models so it cannot drift from them."""
    schema = Coverage.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "cloudscan control coverage report",
        "description": (
            "Per ISO/IEC 27017 and 27018 control: responsibility, mapped rules, finding counts and a "
            "Statement-of-Applicability status (controls.json)."
        ),
    }


def schema_text() -> str:
    """The schema as published in reports/controls.schema.json."""
    return json.dumps(json_schema(), indent=2) + "\n"
