"""The scan configuration file (``.cloudscan/config.yaml`` or ``--config FILE``).

Command-line flags win over the file. A bad file is a usage error naming the
file and the field, never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from scanner.datafile import field_error, read_yaml
from scanner.errors import UsageError
from scanner.models import TagSelector

DEFAULT_CONFIG = Path(".cloudscan") / "config.yaml"
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")  # AWS: eu-west-1
LOCATION = re.compile(r"^([a-z]{2}(-[a-z]+)+-\d{1,2}|[a-z]+\d*)$")  # AWS regions or Azure locations (westeurope)


class ScanConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allowed_regions: tuple[str, ...] = ()
    """Data residency (ISO/IEC 27018 A.12.1): regions where data may be stored."""
    production_tag: TagSelector | None = None
    """The tag that marks production resources (default ``environment: production``)."""
    personal_data_tag: TagSelector | None = None
    """The tag that marks stores of personal data (default ``data-classification: personal``)."""

    @field_validator("allowed_regions")
    @classmethod
    def _regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for region in value:
            if not LOCATION.match(region):
                raise ValueError(f"{region!r} is not a region name (like eu-west-1 or westeurope)")
        return tuple(sorted(set(value)))


def load_config(path: Path | None) -> ScanConfig:
    """Read ``path``, or the default file if present; an absent default means an empty config."""
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return ScanConfig()
        path = DEFAULT_CONFIG
    raw = read_yaml(path, "config file")
    if raw is None:
        return ScanConfig()
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: a config file must hold a mapping")
    try:
        return ScanConfig.model_validate(raw)
    except ValidationError as exc:
        raise UsageError(f"{path}: {field_error(exc)}") from None
