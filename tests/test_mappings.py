"""The ISO/IEC 27017/27018 catalogues are complete, and the rule maps cover exactly the loaded rules."""

from __future__ import annotations

import re

import pytest

from scanner.mappings import AppliesTo, catalogues, controls_for, rule_maps, validate_mappings
from scanner.providers.registry import declared_fields
from scanner.rules import load_rules

ISO27017_GUIDED = {
    "5.1.1", "6.1.1", "6.1.3", "7.2.2", "8.1.1", "8.2.2", "9.1.2", "9.2.1", "9.2.2", "9.2.3",
    "9.2.4", "9.4.1", "9.4.4", "10.1.1", "10.1.2", "11.2.7", "12.1.2", "12.1.3", "12.3.1",
    "12.4.1", "12.4.3", "12.4.4", "12.6.1", "13.1.3", "14.1.1", "14.2.1", "15.1.1", "15.1.2",
    "15.1.3", "16.1.1", "16.1.2", "16.1.7", "18.1.1", "18.1.2", "18.1.3", "18.1.5", "18.2.1",
}  # fmt: skip
ISO27017_CLD = {"CLD.6.3.1", "CLD.8.1.5", "CLD.9.5.1", "CLD.9.5.2", "CLD.12.1.5", "CLD.12.4.5", "CLD.13.1.4"}
ISO27018_ANNEX_A = {
    "A.2.1", "A.3.1", "A.3.2", "A.5.1", "A.6.1", "A.6.2", "A.8.1", "A.10.1", "A.10.2", "A.10.3",
    "A.11.1", "A.11.2", "A.11.3", "A.11.4", "A.11.5", "A.11.6", "A.11.7", "A.11.8", "A.11.9",
    "A.11.10", "A.11.11", "A.11.12", "A.11.13", "A.12.1", "A.12.2",
}  # fmt: skip
ISO27018_PII_GUIDED = {
    "9.2.1", "9.4.2", "10.1.1", "11.2.7", "12.1.4", "12.3.1", "12.4.1", "12.4.2", "13.2.1", "16.1.1", "18.2.1",
}  # fmt: skip

# Resource types that hold customer data (object stores, databases, disks, their snapshots and images)
# or settings that apply to every store of a kind (S3's account-wide Block Public Access).
# A fact about the clouds, not a list of rules: any rule on one of them that protects the data
# (see test_rules_protecting_stored_data_also_map_to_iso27018) must cite ISO/IEC 27018 as well.
DATA_STORES = {
    "aws.s3.account", "aws.s3.bucket", "aws.ec2.volume", "aws.ec2.snapshot", "aws.ec2.image",
    "aws.rds.instance", "aws.rds.snapshot", "aws.rds.cluster", "aws.efs.file_system", "aws.dynamodb.table",
    "aws.sqs.queue", "aws.backup.vault",
    "azure.storage.account", "azure.sql.server", "azure.compute.disk",
    "gcp.storage.bucket", "gcp.sql.instance", "gcp.compute.disk",
}  # fmt: skip

ISO27001_2022_ID = re.compile(r"^A\.([5-8])\.(\d{1,2})$")
ISO27001_2022_COUNT = {5: 37, 6: 8, 7: 14, 8: 34}  # controls per Annex A theme


def _all_controls():
    for framework, catalogue in catalogues().items():
        for control in catalogue.controls:
            yield framework, control


def test_both_catalogues_load_with_their_names():
    found = catalogues()
    assert set(found) == {"iso27017", "iso27018"}
    assert found["iso27017"].name == "ISO/IEC 27017:2015"
    assert found["iso27018"].name == "ISO/IEC 27018:2019"


def test_iso27017_holds_the_37_guided_controls_and_the_7_cld_controls():
    controls = catalogues()["iso27017"].controls
    ids = [control.id for control in controls]
    assert len(ids) == len(set(ids)), "duplicate control id"
    guided = {control.id for control in controls if control.cloud_guidance}
    assert len(ISO27017_GUIDED) == 37 and len(ISO27017_CLD) == 7
    assert guided == ISO27017_GUIDED | ISO27017_CLD
    # everything else is a plain 27002:2013 control (no CLD prefix) listed for a rule
    extra = set(ids) - guided
    assert all(re.fullmatch(r"\d{1,2}\.\d\.\d", control_id) for control_id in extra)


def test_iso27018_holds_the_25_annex_a_controls_and_the_pii_guided_controls():
    controls = catalogues()["iso27018"].controls
    ids = [control.id for control in controls]
    assert len(ids) == len(set(ids)), "duplicate control id"
    annex_a = {control_id for control_id in ids if control_id.startswith("A.")}
    assert len(ISO27018_ANNEX_A) == 25
    assert annex_a == ISO27018_ANNEX_A
    guided_body = {control.id for control in controls if control.cloud_guidance and not control.id.startswith("A.")}
    assert guided_body == ISO27018_PII_GUIDED
    assert all(control.cloud_guidance for control in controls if control.id.startswith("A."))


@pytest.mark.parametrize("framework,control", list(_all_controls()), ids=lambda value: getattr(value, "id", value))
def test_every_control_is_fully_described(framework, control):
    assert control.title.strip()
    assert len(control.title) <= 100, "titles are short own words, never the standard's text"
    assert control.iso27001_2022, "needs a 27001:2022 cross-reference"
    for ref in control.iso27001_2022:
        match = ISO27001_2022_ID.match(ref)
        assert match, f"{ref!r} is not an ISO/IEC 27001:2022 Annex A id like A.8.24"
        assert 1 <= int(match.group(2)) <= ISO27001_2022_COUNT[int(match.group(1))], ref
    if control.applies_to in (AppliesTo.PROVIDER, AppliesTo.BOTH):
        evidence = control.provider_evidence or ""
        for portal in ("AWS Artifact", "Microsoft Service Trust Portal", "Google Compliance Reports Manager"):
            assert portal in evidence
        assert ("27017" if framework == "iso27017" else "27018") in evidence
    else:
        assert control.provider_evidence is None


def test_titles_are_unique_within_a_catalogue():
    for catalogue in catalogues().values():
        titles = [control.title for control in catalogue.controls]
        assert len(titles) == len(set(titles))


def test_mappings_validate_cleanly():
    assert validate_mappings() == []


def _frameworks(rule_id: str) -> set[str]:
    return {mapping.framework for mapping in rule_maps().get(rule_id, ())}


def test_data_stores_are_declared_resource_types():
    unknown = sorted(resource_type for resource_type in DATA_STORES if declared_fields(resource_type) is None)
    assert unknown == []


def test_rules_protecting_stored_data_also_map_to_iso27018():
    """A rule on a data store whose ISO/IEC 27017 control is one 27018 also covers must cite 27018.

    Both sides are read from data: the rule's resource type, its 27017 controls from the
    mapping files, and the controls the 27018 catalogue lists. A rule on a data store about
    operating it rather than protecting its contents (e.g. a CLD.12.1.5 safeguard on
    administrative operations) is not held to this.
    """
    covered_by_27018 = {control.id for control in catalogues()["iso27018"].controls}
    missing = []
    for rule in load_rules():
        if rule.resource_type not in DATA_STORES:
            continue
        controls = {m.control for m in rule_maps().get(rule.id, ()) if m.framework == "iso27017"}
        if controls & covered_by_27018 and "iso27018" not in _frameworks(rule.id):
            missing.append(rule.id)
    assert missing == []


def test_data_residency_rules_map_to_the_27018_location_control():
    """Rules that read the allowed-regions parameter are about where PII is stored: 27018 A.12.1."""
    residency = [rule for rule in load_rules() if "params.allowed_regions" in rule.check.fields]
    assert residency, "no rule reads params.allowed_regions"
    missing = sorted(
        rule.id
        for rule in residency
        if not any(m.framework == "iso27018" and m.control == "A.12.1" for m in rule_maps().get(rule.id, ()))
    )
    assert missing == []


def test_each_mapping_has_a_one_line_rationale_and_no_duplicates():
    for rule_id, mappings in rule_maps().items():
        keys = [(m.framework, m.control) for m in mappings]
        assert len(keys) == len(set(keys)), rule_id
        for mapping in mappings:
            assert mapping.rationale.strip() and "\n" not in mapping.rationale, rule_id
            assert len(mapping.rationale) <= 120, rule_id


def test_controls_for_resolves_titles_in_order():
    refs = controls_for("aws.cloudtrail.multi_region_trail_logging")
    assert [(ref.framework, ref.id) for ref in refs] == [
        ("iso27017", "12.4.1"),
        ("iso27017", "12.4.3"),
        ("iso27017", "CLD.12.4.5"),
        ("iso27018", "A.11.3"),
        ("iso27018", "12.4.1"),
    ]
    assert all(ref.title for ref in refs)


def test_every_loaded_rule_is_mapped_and_every_mapped_id_is_a_rule():
    """Every rule of every provider maps to ISO/IEC 27017; no mapping names a rule that does not exist."""
    loaded = {rule.id for rule in load_rules()}
    mapped = set(rule_maps())
    assert sorted(loaded - mapped) == [], "rules without an ISO/IEC 27017 mapping"
    for rule_id in loaded:
        assert any(m.framework == "iso27017" for m in rule_maps()[rule_id]), rule_id
    assert sorted(mapped - loaded) == [], "mapped rule ids with no rule file"
