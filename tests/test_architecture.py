"""The shape the code keeps: one provider interface, one registry, no SDK below the providers, no CLI words below it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scanner import cli
from scanner.providers.base import Permissions, Provider
from scanner.providers.registry import PROVIDERS, load_provider

ROOT = Path(__file__).resolve().parents[1]
SDKS = ("boto3", "botocore", "azure", "google", "googleapiclient", "moto")


def test_scan_and_pipeline_import_without_any_cloud_sdk():
    """``scanner.scan`` runs any provider; importing it must not need boto3 (nor any SDK)."""
    blocker = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {SDKS!r}:\n"
        "            raise ImportError(f'blocked: {name}')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import scanner.scan, scanner.pipeline, scanner.providers.registry, scanner.reports\n"
        f"assert not [m for m in sys.modules if m.split('.')[0] in {SDKS!r}]\n"
    )
    done = subprocess.run([sys.executable, "-c", blocker], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", PROVIDERS)
def test_every_provider_implements_the_interface(name):
    provider = load_provider(name)
    assert isinstance(provider, Provider) and provider.name == name
    assert provider.target_type in ("accounts", "subscriptions", "projects")
    assert provider.target_model() is not None, "a target with every field defaulted exists"
    needs = provider.permissions()
    assert isinstance(needs, Permissions) and needs.summary and (needs.roles or needs.actions)


def test_the_registry_feeds_the_cli_and_the_action():
    assert set(cli.scan.commands) == set(PROVIDERS)
    rules_list = cli.rules_group.commands["list"]
    provider_option = next(param for param in rules_list.params if param.name == "provider")
    assert tuple(provider_option.type.choices) == PROVIDERS
    permissions = cli.cli.commands["permissions"]
    assert tuple(permissions.params[0].type.choices) == PROVIDERS
    sys.path.insert(0, str(ROOT / "action"))
    try:
        import run as action_run
    finally:
        sys.path.remove(str(ROOT / "action"))
    assert action_run.PROVIDERS is PROVIDERS


_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def _raised_strings(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Raise) and node.exc is not None:
            for inner in ast.walk(node.exc):
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str) and _FLAG.search(inner.value):
                    found.append((node.lineno, inner.value))
    return found


def test_lower_layers_never_quote_cli_flags():
    """Only the CLI knows its flags; everything below raises facts that the CLI words."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in sorted((ROOT / "scanner").rglob("*.py"))
        if path.name != "cli.py"
        for line, text in _raised_strings(path)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("provider", "args", "expected"),
    [
        ("azure", (), "choose subscriptions with --subscription ID (repeatable) or --all-subscriptions"),
        ("gcp", ("--api-endpoint", "http://127.0.0.1:9"), "choose projects with --project ID"),
    ],
)
def test_the_cli_words_a_missing_target(provider, args, expected, monkeypatch, capsys, tmp_path):
    from tests.support import run_cli

    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    base = load_provider(provider)
    monkeypatch.setattr(type(base), "open_session", lambda self, options, settings: object())
    code, _, err = run_cli(monkeypatch, capsys, "scan", provider, *args, "--output-dir", str(tmp_path))
    assert code == 2
    assert err.startswith("cloudscan: error: ") and expected in err and err.count("\n") == 1
