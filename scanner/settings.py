"""How patient and how parallel a scan is with cloud APIs, whatever the provider.

One neutral model, so the CLI, the Action and the tests set the same three knobs
for boto3, azure-core and the Google clients alike; each provider's session
translates them into its SDK's retry and timeout settings.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ApiSettings(BaseModel):
    """``max_attempts`` is attempts per call (first try included), with backoff; ``timeout`` seconds per call."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_attempts: int = Field(default=8, ge=1, le=20)
    timeout: float = Field(default=30.0, gt=0, le=600)
    max_workers: int = Field(default=8, ge=1, le=64)
