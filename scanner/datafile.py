"""Reading user-supplied and bundled data files, with errors that fit on one line.

Every file cloudscan reads (rules, mappings, config, waivers, saved reports) fails
the same way: the path, the field, what is wrong. Nothing else formats these.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scanner.errors import UsageError


def one_line(text: str) -> str:
    return " ".join(text.split())


def read_yaml(path: Path, what: str, error: type[UsageError] = UsageError) -> Any:
    """Parse a YAML file; unreadable or invalid YAML raises ``error`` naming the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: invalid YAML: {one_line(str(exc))}") from None


def first_error(exc: ValidationError) -> tuple[list[Any], str]:
    """The location and message of the first validation error, message in plain words."""
    first = exc.errors()[0]
    return list(first["loc"]), first["msg"].removeprefix("Value error, ")


def field_error(exc: ValidationError) -> str:
    """``field a.b.0: message`` for the first validation error."""
    location, message = first_error(exc)
    return f"field {'.'.join(str(part) for part in location) or '(root)'}: {message}"
