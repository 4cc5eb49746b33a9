"""ISO/IEC 27017 and 27018 control catalogues and the rule-to-control maps.

Both are reviewable YAML under ``mappings/``: ``catalogues/<framework>.yaml``
describes each control (our own short title, who it applies to, how checkable it
is, its ISO/IEC 27001:2022 cross-reference) and ``rules/<provider>.yaml`` maps
each rule id to controls with a responsibility annotation and a rationale.
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scanner.data import data_dir
from scanner.datafile import field_error, read_yaml
from scanner.errors import UsageError
from scanner.models import ControlRef, Responsibility

FRAMEWORKS = {"iso27017": "ISO/IEC 27017:2015", "iso27018": "ISO/IEC 27018:2019"}


class MappingLoadError(UsageError):
    pass


class AppliesTo(str, Enum):
    CUSTOMER = "customer"
    PROVIDER = "provider"
    BOTH = "both"


class Checkability(str, Enum):
    AUTOMATED = "automated"
    PARTLY = "partly"
    MANUAL = "manual-process"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Control(_Strict):
    id: str
    title: str
    applies_to: AppliesTo
    checkability: Checkability
    cloud_guidance: bool = True
    iso27001_2022: tuple[str, ...] = ()
    provider_evidence: str | None = None
    notes: str | None = None


class Catalogue(_Strict):
    framework: str
    name: str
    controls: tuple[Control, ...] = Field(min_length=1)

    def control(self, control_id: str) -> Control | None:
        return next((control for control in self.controls if control.id == control_id), None)


class ControlMapping(_Strict):
    framework: str
    control: str
    responsibility: Responsibility
    rationale: str


class RuleMap(_Strict):
    provider: str
    rules: dict[str, tuple[ControlMapping, ...]]


def _load_yaml(path: Path, model: type[BaseModel]) -> BaseModel:
    raw = read_yaml(path, "mapping file", MappingLoadError)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise MappingLoadError(f"{path}: {field_error(exc)}") from None


@lru_cache(maxsize=1)
def catalogues() -> dict[str, Catalogue]:
    found: dict[str, Catalogue] = {}
    for path in sorted((data_dir("mappings") / "catalogues").glob("*.yaml")):
        catalogue = _load_yaml(path, Catalogue)
        found[catalogue.framework] = catalogue
    return found


@lru_cache(maxsize=1)
def rule_maps() -> dict[str, tuple[ControlMapping, ...]]:
    merged: dict[str, tuple[ControlMapping, ...]] = {}
    for path in sorted((data_dir("mappings") / "rules").glob("*.yaml")):
        rule_map = _load_yaml(path, RuleMap)
        merged.update(rule_map.rules)
    return merged


def validate_mappings() -> list[str]:
    """Every mapping names a known framework and control; return problems found."""
    problems = []
    known = catalogues()
    for rule_id, mappings in sorted(rule_maps().items()):
        for mapping in mappings:
            catalogue = known.get(mapping.framework)
            if catalogue is None:
                problems.append(f"{rule_id}: unknown framework {mapping.framework!r}")
            elif catalogue.control(mapping.control) is None:
                problems.append(f"{rule_id}: unknown control {mapping.framework} {mapping.control}")
    return problems


def controls_for(rule_id: str) -> tuple[ControlRef, ...]:
    """The controls a rule maps to, with titles from the catalogues, ordered by framework and id."""
    refs = []
    known = catalogues()
    for mapping in rule_maps().get(rule_id, ()):
        catalogue = known.get(mapping.framework)
        control = catalogue.control(mapping.control) if catalogue else None
        if control is None:
            raise MappingLoadError(f"rule {rule_id} maps to unknown control {mapping.framework} {mapping.control}")
        refs.append(
            ControlRef(
                framework=mapping.framework,
                id=control.id,
                title=control.title,
                responsibility=mapping.responsibility,
                rationale=mapping.rationale,
            )
        )
    return tuple(sorted(refs, key=lambda ref: (ref.framework, _control_sort_key(ref.id))))


def _control_sort_key(control_id: str) -> tuple:
    parts = control_id.replace("CLD.", "").replace("A.", "").split(".")
    return tuple(int(part) if part.isdigit() else 0 for part in parts) + (control_id,)
