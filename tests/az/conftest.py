"""Azure test set-up: the real azure-mgmt clients against a local ARM server on 127.0.0.1.

Every test using the ``arm`` fixture also proves the scan is read-only: only GET
requests may reach the server. ``FakeArm`` and the helpers live in ``tests.support.azure``.
"""

from __future__ import annotations

import pytest

from tests.support.azure import FakeArm


@pytest.fixture
def arm():
    """A ``FakeArm`` on a fresh server; after the test, every request must have been registered and a read."""
    with FakeArm.serving() as fake:
        yield fake
