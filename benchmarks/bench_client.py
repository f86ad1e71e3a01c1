"""Per-request time of AsyncAPIClient against other test clients, as ratios in one run.

Contenders, each sending the same requests to the same drf-restflow ``AsyncAPIView``
(``/restflow/echo/``, which answers with a JSON description of the request):

- Django's ``AsyncClient`` (the reference: ratio 1.00). Its JSON POST passes the dict with
  ``content_type="application/json"``, which Django encodes.
- ``restflow_testing.AsyncAPIClient`` (ours): ``post(path, data)``, JSON by default.
- drf-restflow's ``restflow.test.AsyncAPIClient``.
- adrf's ``adrf.test.AsyncAPIClient``. Its POSTs send ``Content-Type`` twice and get 415, so
  its POST row is reported as not measurable.
- DRF's sync ``APIClient``, on the equivalent DRF sync ``APIView`` (``/drf/echo/``): a WSGI
  client cannot call the async view without an extra thread hop per request.

Scenarios: a GET and a POST of a small JSON object to that view, and a GET of a plain Django
async view (``/django/echo/``), where the view does almost nothing and the client's own cost is
most of the time (DRF's sync client gets its sync view there too). Each round times ``--requests``
sequential requests per contender, contenders in rotating order; the reported figure is the
median per-request time over ``--rounds`` rounds, and its ratio to Django's ``AsyncClient``
(lower is faster; our target is at most 1.05).

Usage, from the repository root: ``python benchmarks/bench_client.py [--rounds N] [--requests N]``.
Settings: the suite's project (``tests.project.settings``) on a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.project.settings")

import django
from django.conf import settings

_database = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)  # noqa: SIM115
settings.DATABASES["default"]["NAME"] = _database.name
django.setup()

from adrf.test import AsyncAPIClient as AdrfClient  # type: ignore[import-untyped]  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import AsyncClient  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402
from restflow.test import AsyncAPIClient as RestflowClient  # noqa: E402

from restflow_testing import AsyncAPIClient  # noqa: E402

ASYNC_VIEW = "/restflow/echo/"
PLAIN_VIEW = "/django/echo/"
SYNC_VIEW = "/drf/echo/"
PAYLOAD: dict[str, Any] = {"title": "benchmark", "tags": [1, 2, 3], "published": True}

Send = Callable[[], Awaitable[Any]]
SyncSend = Callable[[], Any]


def async_contenders() -> dict[str, dict[str, Send | None]]:
    django_client = AsyncClient()
    ours = AsyncAPIClient()
    restflow = RestflowClient()
    adrf = AdrfClient()
    return {
        "django AsyncClient": {
            "GET plain view": lambda: django_client.get(PLAIN_VIEW),
            "GET": lambda: django_client.get(ASYNC_VIEW),
            "POST json": lambda: django_client.post(
                ASYNC_VIEW, PAYLOAD, content_type="application/json"
            ),
        },
        "restflow_testing AsyncAPIClient": {
            "GET plain view": lambda: ours.get(PLAIN_VIEW),
            "GET": lambda: ours.get(ASYNC_VIEW),
            "POST json": lambda: ours.post(ASYNC_VIEW, PAYLOAD),
        },
        "drf-restflow AsyncAPIClient": {
            "GET plain view": lambda: restflow.get(PLAIN_VIEW),
            "GET": lambda: restflow.get(ASYNC_VIEW),
            "POST json": lambda: restflow.post(ASYNC_VIEW, PAYLOAD),
        },
        "adrf AsyncAPIClient": {
            "GET plain view": lambda: adrf.get(PLAIN_VIEW),
            "GET": lambda: adrf.get(ASYNC_VIEW),
            "POST json": None,
        },
    }


def sync_contender() -> dict[str, SyncSend]:
    client = APIClient()
    return {
        "GET plain view": lambda: client.get(SYNC_VIEW),
        "GET": lambda: client.get(SYNC_VIEW),
        "POST json": lambda: client.post(SYNC_VIEW, PAYLOAD, format="json"),
    }


EXPECTED = {"GET plain view": 200, "GET": 200, "POST json": 201}


async def time_async(send: Send, count: int, expected: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        response = await send()
        if response.status_code != expected:
            raise RuntimeError(f"unexpected status {response.status_code}: {response.content!r}")
    return (time.perf_counter() - start) / count


def time_sync(send: SyncSend, count: int, expected: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        response = send()
        if response.status_code != expected:
            raise RuntimeError(f"unexpected status {response.status_code}: {response.content!r}")
    return (time.perf_counter() - start) / count


def main() -> None:
    parser = argparse.ArgumentParser(description="Per-request time of test clients, as ratios.")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    contenders = async_contenders()
    sync_sends = sync_contender()
    names = [*contenders, "DRF APIClient (sync view)"]
    loop = asyncio.new_event_loop()
    samples: dict[tuple[str, str], list[float]] = {}

    def measure(name: str, scenario: str, count: int) -> float | None:
        expected = EXPECTED[scenario]
        if name in contenders:
            send = contenders[name][scenario]
            if send is None:
                return None
            return loop.run_until_complete(time_async(send, count, expected))
        return time_sync(sync_sends[scenario], count, expected)

    for scenario in EXPECTED:
        for name in names:
            measure(name, scenario, 20)
    for round_index in range(args.rounds):
        for scenario in EXPECTED:
            shift = round_index % len(names)
            for name in names[shift:] + names[:shift]:
                per_request = measure(name, scenario, args.requests)
                if per_request is not None:
                    samples.setdefault((name, scenario), []).append(per_request)
    loop.close()

    print(
        f"Django {django.get_version()}; {args.rounds} rounds x {args.requests} requests; "
        "median time per request, ratio to Django's AsyncClient (lower is faster)\n"
    )
    header = f"{'client':34} " + " ".join(f"{scenario:>22}" for scenario in EXPECTED)
    print(header)
    print("-" * len(header))
    reference = {
        scenario: statistics.median(samples[("django AsyncClient", scenario)])
        for scenario in EXPECTED
    }
    for name in names:
        cells: list[str] = []
        for scenario in EXPECTED:
            values = samples.get((name, scenario))
            if not values:
                cells.append(f"{'n/a (415)':>22}")
                continue
            median = statistics.median(values)
            ratio = median / reference[scenario]
            cells.append(f"{median * 1e6:9.1f} us {ratio:6.3f}x  ")
        print(f"{name:34} " + " ".join(cells))
    os.unlink(_database.name)


if __name__ == "__main__":
    main()
