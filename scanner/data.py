"""Where the bundled data (rules, mappings, report schema) lives.

In a wheel the data is force-included under ``scanner/_data``; in a source
checkout it is read from the top-level folders so that a rule edit shows up
without reinstalling. Nothing else in the package should know about paths.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_data"
_CHECKOUT = _PACKAGE.parent


def data_dir(name: str) -> Path:
    """Return the folder holding ``rules``, ``mappings`` or ``reports`` data."""
    for base in (_BUNDLED, _CHECKOUT):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cloudscan data folder {name!r} is missing from the installation")
