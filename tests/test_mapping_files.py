"""Rule-to-control map files: one per provider and service, no rule mapped twice, nothing misplaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.data import data_dir
from scanner.mappings import MappingLoadError, load_rule_maps, rule_maps

ROOT = Path(__file__).resolve().parents[1]


def mapping(rule_id: str, control: str = "9.4.1") -> str:
    return f"""\
  {rule_id}:
    - framework: iso27017
      control: "{control}"
      responsibility: customer
      rationale: Why.
"""


def write(root: Path, name: str, provider: str, *entries: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {name}\nprovider: {provider}\nrules:\n" + "".join(entries))
    return path


def error_of(root: Path) -> str:
    with pytest.raises(MappingLoadError) as error:
        load_rule_maps(root)
    message = str(error.value)
    assert "\n" not in message
    return message


def test_files_per_service_merge(tmp_path):
    write(tmp_path, "aws/s3.yaml", "aws", mapping("aws.s3.a"), mapping("aws.s3.b"))
    write(tmp_path, "aws/iam.yaml", "aws", mapping("aws.iam.c"))
    write(tmp_path, "gcp/storage.yaml", "gcp", mapping("gcp.storage.d", "10.1.1"))
    merged = load_rule_maps(tmp_path)
    assert sorted(merged) == ["aws.iam.c", "aws.s3.a", "aws.s3.b", "gcp.storage.d"]
    assert merged["gcp.storage.d"][0].control == "10.1.1"


def test_rule_mapped_in_two_files_names_both(tmp_path):
    first = write(tmp_path, "aws/s3.yaml", "aws", mapping("aws.s3.a"))
    second = write(tmp_path, "aws/s3x.yaml", "aws", mapping("aws.s3x.b"), mapping("aws.s3.a", "10.1.1"))
    message = error_of(tmp_path)
    assert str(first) in message and str(second) in message
    assert "'aws.s3.a'" in message


def test_rule_copied_into_wrong_file_is_reported_as_duplicate(tmp_path):
    # aws/iam.yaml is read first; the misplaced copy is still reported as mapped twice, with both files.
    iam = write(tmp_path, "aws/iam.yaml", "aws", mapping("aws.iam.c"), mapping("aws.s3.a"))
    s3 = write(tmp_path, "aws/s3.yaml", "aws", mapping("aws.s3.a"))
    message = error_of(tmp_path)
    assert str(iam) in message and str(s3) in message and "aws.s3.a" in message


@pytest.mark.parametrize(
    ("name", "provider", "rule_id", "expected"),
    [
        ("aws/iam.yaml", "aws", "aws.s3.a", "only aws.iam.* rules belong in aws/iam.yaml"),
        ("aws/s3.yaml", "aws", "azure.s3.a", "only aws.s3.* rules belong in aws/s3.yaml"),
        ("aws/s3.yaml", "aws", "aws.s3bucket.a", "only aws.s3.* rules belong"),
        ("azure/storage.yaml", "aws", "azure.storage.a", "field provider: 'aws' must match the folder name 'azure'"),
    ],
)
def test_misplaced_rule_is_a_load_error(tmp_path, name, provider, rule_id, expected):
    path = write(tmp_path, name, provider, mapping(rule_id))
    message = error_of(tmp_path)
    assert message.startswith(f"{path}: ")
    assert expected in message
    if "provider" not in expected:
        assert f"field rules.{rule_id}" in message


@pytest.mark.parametrize("name", ["aws.yaml", "aws/s3/extra.yaml"])
def test_file_outside_provider_service_layout_is_a_load_error(tmp_path, name):
    write(tmp_path, name, "aws", mapping("aws.s3.a"))
    assert "<provider>/<service>.yaml" in error_of(tmp_path)


def test_malformed_file_names_file_and_field(tmp_path):
    path = write(tmp_path, "aws/s3.yaml", "aws", mapping("aws.s3.a").replace("customer", "everyone"))
    message = error_of(tmp_path)
    assert message.startswith(f"{path}: field rules.aws.s3.a.0.responsibility")


def test_bundled_files_load_one_per_provider_and_service():
    root = data_dir("mappings") / "rules"
    files = sorted(path.relative_to(root) for path in root.rglob("*.yaml"))
    assert files, "no bundled rule maps"
    assert {path.parts[0] for path in files} == {"aws", "azure", "gcp"}
    assert all(len(path.parts) == 2 for path in files)
    assert not list(root.glob("*.yaml")), "no map file directly under mappings/rules"
    assert load_rule_maps(root) == rule_maps()
    providers = {rule_id.split(".")[0] for rule_id in rule_maps()}
    assert providers == {"aws", "azure", "gcp"}


def test_bundled_map_files_mirror_the_rule_folders():
    """There is a mappings/rules/<provider>/<service>.yaml for each rules/<provider>/<service>/ folder, and no other."""
    maps = ROOT / "mappings" / "rules"
    mapped = {path.relative_to(maps).with_suffix("").as_posix() for path in maps.rglob("*.yaml")}
    services = {path.parent.relative_to(ROOT / "rules").as_posix() for path in (ROOT / "rules").rglob("*.yaml")}
    assert mapped == services
