"""`pip install .` gives a working `cloudscan` with rules and mappings bundled in the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str | Path, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_wheel_installs_into_a_fresh_venv_and_runs_the_demo(tmp_path):
    dist = tmp_path / "dist"
    built = _run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = dist.glob("cloudscan-*.whl")

    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    installed = _run(python, "-m", "pip", "install", "--quiet", f"{wheel}[demo]")
    assert installed.returncode == 0, installed.stderr[-2000:]

    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "PYTHON"))}
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    demo = _run(
        target / "bin" / "cloudscan",
        "demo",
        "--quiet",
        "--format",
        "sarif",
        "--format",
        "json",
        "--format",
        "html",
        cwd=workdir,
        env=env,
    )
    assert demo.returncode == 0, demo.stderr[-2000:]
    report = json.loads((workdir / "cloudscan-results" / "findings.json").read_text())
    assert report["summary"]["by_status"]["FAIL"] > 0
    assert all(finding["controls"] for finding in report["findings"]), "mappings are bundled too"
    assert "<script>" in (workdir / "cloudscan-results" / "findings.html").read_text(), "report assets are bundled"

    listing = _run(
        python,
        "-c",
        "import scanner, scanner.data as d; print(scanner.__file__, d.data_dir('rules'))",
        cwd=workdir,
        env=env,
    )
    package_file, rules_dir = listing.stdout.split()
    assert str(ROOT) not in package_file and str(ROOT) not in rules_dir, "ran from the wheel, not the checkout"
    assert Path(rules_dir, "aws", "s3", "bucket_versioning_enabled.yaml").exists()
