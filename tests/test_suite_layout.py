"""The test suite's own rules: shared helpers come from tests.support, and nothing is read from outside the checkout.

A test module that imports another test module (or a conftest) couples unrelated
tests and hides helpers where nobody looks; a test that reads a file next to the
checkout passes on one machine and fails on a fresh clone.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
SOURCES = sorted(TESTS.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _imported_test_modules(tree: ast.Module) -> list[str]:
    """Modules of the ``tests`` package an AST imports, relative imports spelled ``.name``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] == "tests"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append("." * node.level + (node.module or ""))
            elif node.module == "tests":
                found += [f"tests.{alias.name}" for alias in node.names]
            elif node.module and node.module.startswith("tests."):
                found.append(node.module)
    return found


def _allowed(module: str) -> bool:
    return module == "tests.support" or module.startswith("tests.support.")


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_test_code_imports_only_tests_support(path):
    """Test modules, conftests and tests/support import test code only from ``tests.support`` (fixtures: injected)."""
    imported = _imported_test_modules(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    wrong = [module for module in imported if not _allowed(module)]
    assert wrong == [], f"{_name(path)} imports {wrong}: move shared helpers to tests/support, import them from there"


def test_the_layout_check_sees_what_it_must_refuse():
    source = (
        "from tests.az.test_rules_network import NSGS\n"
        "from tests.aws.conftest import scan\n"
        "import tests.test_waivers\n"
        "from tests import test_cli, support\n"
        "from .conftest import x\n"
        "from tests.support.azure import SUB\n"
        "from tests.support import run_cli\n"
    )
    imported = _imported_test_modules(ast.parse(source))
    assert [module for module in imported if not _allowed(module)] == [
        "tests.az.test_rules_network",
        "tests.aws.conftest",
        "tests.test_waivers",
        "tests.test_cli",
        ".conftest",
    ]


# Ways a path leaves the checkout: the checkout's parent, a step up (..), or an absolute path of this machine.
ESCAPES = re.compile(r"""ROOT\.parent\b|\.parent\.parent\b|["']\.\./|["'](?:/work|/home|/Users)(?:/|["'])""")
PARENTS = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")


def _escapes(text: str, depth: int) -> list[str]:
    """What in ``text`` (a file ``depth`` directories below the repository root) points outside the checkout."""
    found = [match.group(0) for match in ESCAPES.finditer(text)]
    return found + [match.group(0) for match in PARENTS.finditer(text) if int(match.group(1)) > depth]


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_tests_read_nothing_outside_the_checkout(path):
    """Every file a test reads ships in the repository (tests/data for third-party files), so a fresh clone passes."""
    depth = len(path.relative_to(ROOT).parts) - 1  # parents[depth] of the file is the repository root
    escapes = _escapes(path.read_text(encoding="utf-8"), depth)
    assert escapes == [], f"{_name(path)} reaches outside the repository: {escapes}"


def test_the_escape_check_sees_what_it_must_refuse():
    # (the samples are joined at run time, so that this file does not refuse itself)
    refused = "\n".join(
        [
            "SARIF = ROOT.par" + 'ent / "shared" / "schemas" / "sarif-schema-2.1.0.json"',
            "OTHER = Path(__file__).resolve().par" + 'ents[2] / "shared"',
            'UP = Path("..' + '/shared/schemas")',
            'MINE = Path("/wo' + 'rk/shared/schemas")',
        ]
    )
    assert len(_escapes(refused, depth=1)) == 4
    allowed = 'ROOT = Path(__file__).resolve().parents[1]\nSARIF = ROOT / "tests" / "data" / "x.json"\n'
    assert _escapes(allowed, depth=1) == []
    assert _escapes("ROOT = Path(__file__).resolve().par" + "ents[2]", depth=2) == []


def test_vendored_sarif_schema_is_the_official_one():
    """tests/data holds the OASIS SARIF 2.1.0 schema that SARIF reports are validated against (see its README)."""
    import json

    schema = json.loads((TESTS / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert (TESTS / "data" / "README.md").is_file()
