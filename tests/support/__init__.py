"""Everything test modules share; fixtures stay in the conftest.py files and may use these helpers.

Test modules import helpers from here only, never from each other or from a conftest
(``tests/test_suite_layout.py`` enforces it):

- ``tests.support`` (this module): ``run_cli``, the real command line in-process.
- ``tests.support.results``: finding look-ups (``finding``, ``status_of``: by resource id or
  name) and small ``Finding``/``ScanResult`` builders (``make_finding``, ``make_result``).
- ``tests.support.scanning``: the one place that calls the scanner's scan entry point
  (``run_scan``) and its raw collector (``collect``); ``rules_by_id``.
- ``tests.support.aws``: fake credentials (``fake_aws_env``), the moto server
  (``serve_moto``, ``reset_moto_server``), scans (``scan``, ``run``), the raw inventory
  (``inventory``) and ``restricted_session`` (an IAM user allowed exactly the given
  actions, for moto's IAM enforcement).
- ``tests.support.fake_http``: ``FakeCloud``, the local HTTP server the Azure and Google
  fakes share (routes, answer sequences, delays, request log, unexpected paths, read-only check).
- ``tests.support.azure`` / ``tests.support.gcp``: ``FakeArm`` / ``FakeGcp`` (the provider's
  paging and error bodies), sessions on them (``make_session``), scans (``scan``, ``run``)
  and the resource builders several test modules plant (NSGs, storage accounts, firewalls).
"""

from __future__ import annotations

import sys

import pytest


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run ``cloudscan ARGS`` through the real entry point; return (exit code, stdout, stderr)."""
    from scanner import cli

    monkeypatch.setattr(sys, "argv", ["cloudscan", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
        raise SystemExit(0)
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err
