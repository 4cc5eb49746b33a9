"""Waivers: recorded risk acceptances that mute matching FAIL findings until they expire.

In ISO terms a waiver is the risk-acceptance record: who accepted which risk, why,
and until when. Only FAIL findings are muted (a PASS needs no acceptance and an
ERROR must stay visible). An expired waiver stops muting and is reported as
expired; a waiver that matches no failing finding is reported as stale, so the
file does not silently rot.
"""

from __future__ import annotations

from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scanner.datafile import field_error, first_error, read_yaml
from scanner.errors import UsageError
from scanner.models import Finding, ResourceRef, ScanResult, Status, WaiverRef, WaiverStatus, summarize

DEFAULT_WAIVERS = Path(".cloudscan") / "waivers.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResourceMatch(_Strict):
    """Which resources a waiver covers; every given matcher must match (globs allowed in id and arn)."""

    id: str | None = None
    arn: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    account: str | None = None
    region: str | None = None

    @field_validator("account", mode="before")
    @classmethod
    def _account_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    def matches(self, resource: ResourceRef) -> bool:
        if self.id is not None and not fnmatchcase(resource.id, self.id):
            return False
        if self.arn is not None and not fnmatchcase(resource.arn or "", self.arn):
            return False
        if self.account is not None and resource.account != self.account:
            return False
        if self.region is not None and resource.region != self.region:
            return False
        return all(resource.tags.get(key) == value for key, value in self.tags.items())


class Waiver(_Strict):
    id: str | None = Field(default=None, min_length=1)
    rule: str = Field(min_length=1, description="Rule id (glob allowed).")
    resources: ResourceMatch = Field(default_factory=ResourceMatch)
    reason: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    expires: date

    def covers(self, finding: Finding) -> bool:
        return fnmatchcase(finding.rule_id, self.rule) and self.resources.matches(finding.resource)


class WaiverFile(_Strict):
    waivers: tuple[Waiver, ...] = ()


def load_waivers(path: Path | None) -> tuple[Waiver, ...]:
    """Read ``path``, or the default file if present. Errors name the file, the entry and the field."""
    if path is None:
        if not DEFAULT_WAIVERS.is_file():
            return ()
        path = DEFAULT_WAIVERS
    raw = read_yaml(path, "waiver file")
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: a waiver file must hold a mapping with a 'waivers' list")
    try:
        waivers = WaiverFile.model_validate(raw).waivers
    except ValidationError as exc:
        raise UsageError(f"{path}: {_describe(exc, raw)}") from None
    ids = [waiver_id(waiver, index) for index, waiver in enumerate(waivers)]
    duplicate = next((name for name in ids if ids.count(name) > 1), None)
    if duplicate:
        raise UsageError(f"{path}: waiver id {duplicate!r} is used twice")
    return waivers


def waiver_id(waiver: Waiver, index: int) -> str:
    return waiver.id or f"waiver-{index + 1}"


def _describe(exc: ValidationError, raw: dict) -> str:
    location, message = first_error(exc)
    if len(location) >= 2 and location[0] == "waivers" and isinstance(location[1], int):
        index = location[1]
        entries = raw.get("waivers") or []
        entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
        name = entry.get("id") if isinstance(entry, dict) and entry.get("id") else f"waiver-{index + 1}"
        field = ".".join(str(part) for part in location[2:]) or "(entry)"
        return f"waiver {index + 1} ({name}): field {field}: {message}"
    return field_error(exc)


def apply_waivers(result: ScanResult, waivers: tuple[Waiver, ...], today: date) -> ScanResult:
    """Mute the FAIL findings covered by a current waiver; report each waiver's state."""
    if not waivers:
        return result
    matched = [0] * len(waivers)
    findings = []
    for finding in result.findings:
        if finding.status is Status.FAIL:
            for index, waiver in enumerate(waivers):
                if waiver.covers(finding):
                    matched[index] += 1
                    if waiver.expires >= today and finding.status is Status.FAIL:
                        finding = _muted(finding, waiver, index)
        findings.append(finding)
    statuses = tuple(
        WaiverStatus(
            id=waiver_id(waiver, index),
            rule=waiver.rule,
            reason=waiver.reason,
            owner=waiver.owner,
            expires=waiver.expires,
            state="expired" if waiver.expires < today else ("active" if matched[index] else "stale"),
            matched=matched[index],
        )
        for index, waiver in enumerate(waivers)
    )
    return result.model_copy(
        update={
            "findings": tuple(findings),
            "summary": summarize(findings, result.errors),
            "waivers": statuses,
        }
    )


def _muted(finding: Finding, waiver: Waiver, index: int) -> Finding:
    reference = WaiverRef(id=waiver_id(waiver, index), reason=waiver.reason, owner=waiver.owner, expires=waiver.expires)
    return finding.model_copy(update={"status": Status.MUTED, "waiver": reference})
