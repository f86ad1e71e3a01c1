"""What the demo observes while the bookshop suite runs: requests served and Hypothesis examples.

Both records are filled by real hooks, never by the tests themselves: a middleware sees every
request the test client sends through the ASGI handler, and a Hypothesis observability callback
sees every example Hypothesis runs.
"""

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.decorators import async_only_middleware


@dataclass
class Recording:
    """Requests per endpoint (``"GET /api/books/{pk}/"``) and status, and examples per test."""

    requests: Counter[tuple[str, int]] = field(default_factory=Counter[tuple[str, int]])
    examples: Counter[tuple[str, str]] = field(default_factory=Counter[tuple[str, str]])

    def endpoint_statuses(self) -> dict[str, Counter[int]]:
        by_endpoint: dict[str, Counter[int]] = {}
        for (endpoint, status), count in self.requests.items():
            by_endpoint.setdefault(endpoint, Counter())[status] += count
        return dict(sorted(by_endpoint.items(), key=lambda item: (item[0].split()[1], item[0])))

    def examples_by_test(self) -> dict[str, Counter[str]]:
        by_test: dict[str, Counter[str]] = {}
        for (test, status), count in self.examples.items():
            by_test.setdefault(test, Counter())[status] += count
        return dict(sorted(by_test.items()))


RECORDING = Recording()


def endpoint_of(request: HttpRequest) -> str:
    """``METHOD /path/`` with the URL's captured arguments shown as ``{name}``."""
    path = request.path
    match = request.resolver_match
    if match is not None:
        for name, value in match.kwargs.items():
            path = path.replace(f"/{value}/", f"/{{{name}}}/")
    return f"{request.method} {path}"


@async_only_middleware
def record_requests(
    get_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]],
) -> Callable[[HttpRequest], Awaitable[HttpResponseBase]]:
    """Middleware: count each request by endpoint and response status."""

    async def middleware(request: HttpRequest) -> HttpResponseBase:
        response = await get_response(request)
        RECORDING.requests[(endpoint_of(request), response.status_code)] += 1
        return response

    return middleware


def record_observation(observation: Any, thread_id: int) -> None:
    """Hypothesis observability callback: count each example by test and status."""
    if getattr(observation, "type", None) == "test_case":
        RECORDING.examples[(str(observation.property), str(observation.status))] += 1
