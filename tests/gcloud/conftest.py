"""Google Cloud test set-up: the real google-cloud REST and discovery clients against a local server.

Every test using the ``gcp`` fixture also proves the scan is read-only: only GET
requests, and POST only to ``:getIamPolicy``. ``FakeGcp`` and the helpers live in
``tests.support.gcp``.
"""

from __future__ import annotations

import pytest

from tests.support.gcp import FakeGcp


@pytest.fixture
def gcp():
    """A ``FakeGcp`` on a fresh server; after the test, every request must have been registered and a read."""
    with FakeGcp.serving() as fake:
        yield fake
