"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import sys

import pytest

from scanner import cli


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run ``cloudscan ARGS`` through the real entry point; return (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["cloudscan", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
        raise SystemExit(0)
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err
