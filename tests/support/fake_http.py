"""One fake cloud API server on 127.0.0.1, the base of the Azure (``FakeArm``) and Google (``FakeGcp``) fakes.

The real SDK clients talk HTTP to a pytest-httpserver; ``FakeCloud`` answers each
request from what the test registered for its method and path:

- a route: one canned answer (``Route``), or a sequence of answers for successive
  requests (the last one repeats), each optionally delayed;
- a handler: a function of the request, for answers that depend on the query.

It logs every request, answers any unregistered path with a server error and
remembers it, so ``check()`` (run by the fixtures after each test) fails the test
when a path went unregistered or a request was not a read. Subclasses supply the
provider's wire format: ``answer`` (bodies and paging), ``unexpected_answer`` (the
error body) and ``is_read`` (which requests are reads).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

Handler = Callable[[Request], Response]
FakeT = TypeVar("FakeT", bound="FakeCloud")


@dataclass
class Route:
    """One canned answer: ``body`` with ``status`` and ``headers``, after ``delay`` seconds.

    With ``page_size`` a list body is served in pages of that size, linked the way the
    provider links pages.
    """

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    page_size: int | None = None
    delay: float = 0.0

    def __post_init__(self) -> None:
        assert isinstance(self.headers, dict), f"headers must be a dict, got {self.headers!r} (keywords for the rest)"


@dataclass(frozen=True)
class Seen:
    """A request the server received."""

    method: str
    path: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers or {}, content_type="application/json")


class FakeCloud:
    """Registers answers per (method, path) and serves them; records every request."""

    read_methods = frozenset({"GET"})

    def __init__(self, server: HTTPServer):
        self.server = server
        self.base_url = server.url_for("/").rstrip("/")
        self.routes: dict[tuple[str, str], list[Route]] = {}
        self.handlers: dict[tuple[str, str], Handler] = {}
        self.requests: list[Seen] = []
        self.unexpected: list[str] = []
        self._lock = threading.Lock()
        server.expect_request(re.compile(".*")).respond_with_handler(self._dispatch)

    @classmethod
    @contextmanager
    def serving(cls: type[FakeT]) -> Iterator[FakeT]:
        """A fake on a fresh server for the duration of the block, checked (``check``) when the block ends."""
        server = HTTPServer(host="127.0.0.1", port=0)
        server.start()
        try:
            fake = cls(server)
            yield fake
        finally:
            server.stop()
        fake.check()

    # -- registering ---------------------------------------------------------------------------------

    def sequence(self, path: str, *routes: Route, method: str = "GET") -> None:
        """Answer successive requests with ``routes`` in turn (the last answer repeats)."""
        self.routes[(method, path)] = list(routes)

    def handle(self, path: str, handler: Handler, method: str = "GET") -> None:
        """Answer every request for ``path`` with ``handler(request)``."""
        self.handlers[(method, path)] = handler

    # -- what was asked ------------------------------------------------------------------------------

    def count(self, path: str, method: str | None = None) -> int:
        """How many requests ``path`` received (with ``method``, if given)."""
        return sum(1 for seen in self.requests if seen.path == path and method in (None, seen.method))

    @property
    def paths(self) -> list[str]:
        """The path of every request, in order."""
        return [seen.path for seen in self.requests]

    @property
    def methods(self) -> set[str]:
        return {seen.method for seen in self.requests}

    def is_read(self, method: str, path: str) -> bool:
        """Whether a request only reads (the provider may know reads that use another method)."""
        return method in self.read_methods

    def writes(self) -> list[str]:
        """The requests that were not reads."""
        return [str(seen) for seen in self.requests if not self.is_read(seen.method, seen.path)]

    def check(self) -> None:
        """Fail unless every request was registered and was a read: the scan is read-only."""
        assert self.unexpected == [], f"requests for paths no test registered: {self.unexpected}"
        writes = self.writes()
        assert writes == [], f"non-read requests sent: {writes}"

    # -- answering -----------------------------------------------------------------------------------

    def answer(self, request: Request, route: Route) -> Response:
        """The response for ``route`` (the provider's body shape and paging)."""
        raise NotImplementedError

    def unexpected_answer(self, request: Request) -> Response:
        """The response to a request no test registered (a server error in the provider's shape)."""
        raise NotImplementedError

    def _dispatch(self, request: Request) -> Response:
        key = (request.method, request.path)
        route = None
        with self._lock:
            self.requests.append(Seen(*key))
            handler = self.handlers.get(key)
            routes = self.routes.get(key)
            if handler is None and routes:
                route = routes.pop(0) if len(routes) > 1 else routes[0]
            elif handler is None:
                self.unexpected.append(f"{request.method} {request.path}")
        if handler is not None:
            return handler(request)
        if route is None:
            return self.unexpected_answer(request)
        if route.delay:
            time.sleep(route.delay)
        return self.answer(request, route)
