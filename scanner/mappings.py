"""ISO/IEC 27017 and 27018 control catalogues and the rule-to-control maps.

Both are reviewable YAML under ``mappings/``: ``catalogues/<framework>.yaml``
describes each control (our own short title, who it applies to, how checkable it
is, its ISO/IEC 27001:2022 cross-reference) and ``rules/<provider>/<service>.yaml``
maps each rule id to controls with a responsibility annotation and a rationale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from scanner.data import data_dir
from scanner.datafile import field_error, read_yaml
from scanner.errors import UsageError
from scanner.models import (  # noqa: F401 - the catalogue models are re-exported: callers import them from here
    AppliesTo,
    Catalogue,
    Checkability,
    Control,
    ControlMapping,
    ControlRef,
)

FRAMEWORKS = {"iso27017": "ISO/IEC 27017:2015", "iso27018": "ISO/IEC 27018:2019"}


class MappingLoadError(UsageError):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    """The bundled rule-to-control maps (``mappings/rules``), loaded once."""
    return load_rule_maps(data_dir("mappings") / "rules")


def load_rule_maps(root: Path) -> dict[str, tuple[ControlMapping, ...]]:
    """Merge every ``<provider>/<service>.yaml`` below ``root`` into one map of rule id -> controls.

    Like the rules, one file per provider and service: ``aws/s3.yaml`` holds ``provider: aws``
    and only ``aws.s3.*`` rule ids. A misplaced file or rule, or a rule id mapped in two
    files, is a load error rather than a silent overwrite.
    """
    merged: dict[str, tuple[ControlMapping, ...]] = {}
    source: dict[str, Path] = {}
    misplaced: str | None = None
    for path in sorted(root.rglob("*.yaml")):
        parts = path.relative_to(root).parts
        if len(parts) != 2:
            raise MappingLoadError(f"{path}: a rule map must be at <provider>/<service>.yaml below {root}")
        provider, service = parts[0], path.stem
        rule_map = _load_yaml(path, RuleMap)
        if rule_map.provider != provider:
            raise MappingLoadError(
                f"{path}: field provider: {rule_map.provider!r} must match the folder name {provider!r}"
            )
        prefix = f"{provider}.{service}."
        for rule_id, mappings in rule_map.rules.items():
            if rule_id in merged:
                raise MappingLoadError(
                    f"{path}: field rules.{rule_id}: rule {rule_id!r} is also mapped in {source[rule_id]}"
                )
            if misplaced is None and not rule_id.startswith(prefix):
                # Reported after every file is read, so a rule copied into the wrong file is
                # reported as the duplicate it is, naming both files.
                misplaced = f"{path}: field rules.{rule_id}: only {prefix}* rules belong in {provider}/{service}.yaml"
            merged[rule_id] = mappings
            source[rule_id] = path
    if misplaced:
        raise MappingLoadError(misplaced)
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


class ControlIndex:
    """Resolves a rule's control mappings against catalogues into ``ControlRef`` (with titles).

    A scan builds one from the bundled data; a saved ``findings.json`` carries the
    catalogues and mappings it was written with, and re-rendering builds one from
    those, so a report never depends on the data files installed later.
    """

    def __init__(self, catalogues: Iterable[Catalogue], mappings: Mapping[str, Sequence[ControlMapping]]):
        self.catalogues = {catalogue.framework: catalogue for catalogue in catalogues}
        self.mappings = {rule_id: tuple(found) for rule_id, found in mappings.items()}

    def controls_for(self, rule_id: str) -> tuple[ControlRef, ...]:
        """The controls a rule maps to, with titles from the catalogues, ordered by framework and id."""
        refs = []
        for mapping in self.mappings.get(rule_id, ()):
            catalogue = self.catalogues.get(mapping.framework)
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
        return tuple(sorted(refs, key=lambda ref: (ref.framework, control_sort_key(ref.id))))


def bundled_index() -> ControlIndex:
    """The catalogues and rule maps shipped with this installation."""
    return ControlIndex(catalogues().values(), rule_maps())


def controls_for(rule_id: str) -> tuple[ControlRef, ...]:
    """The controls a rule maps to in the bundled data (see ``ControlIndex.controls_for``)."""
    return bundled_index().controls_for(rule_id)


def control_sort_key(control_id: str) -> tuple:
    parts = control_id.replace("CLD.", "").replace("A.", "").split(".")
    return tuple(int(part) if part.isdigit() else 0 for part in parts) + (control_id,)
