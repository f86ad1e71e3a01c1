"""WebSocket sessions against Channels' ``WebsocketCommunicator`` on the same consumers.

Both run on the test loop the test cases use (a ``LoopThread``, whose sync work the main thread
serves), against the same Channels consumers:

- an async echo consumer (``AsyncWebsocketConsumer``, text frames);
- a sync JSON echo consumer (``JsonWebsocketConsumer``: every message crosses to the serving
  thread through ``database_sync_to_async`` and back through ``async_to_sync``).

Two figures per consumer:

- **round trips per second**: one send and one receive, ``--messages`` of them per session;
  ours / peer, target >= 0.9;
- **connect + close**: the time to open a session (handshake accepted) and close it (the
  consumer finished); ours / peer, lower is better.

A round measures every contender once, in an order that rotates between rounds; each figure is
the median over rounds of the round's ratio, with the interquartile range of those ratios.

Usage, from the repository root::

    python benchmarks/bench_websocket.py [--rounds 31] [--messages 200] [--connections 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.project.settings")

import django

django.setup()

from channels.generic.websocket import (  # noqa: E402
    AsyncWebsocketConsumer,
    JsonWebsocketConsumer,
)
from channels.testing import WebsocketCommunicator  # noqa: E402

from restflow_testing import AsyncAPIClient  # noqa: E402
from restflow_testing._loop_thread import LoopThread  # noqa: E402

TIMEOUT = 10.0


class AsyncEcho(AsyncWebsocketConsumer):
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.send(text_data=text_data)


class SyncJsonEcho(JsonWebsocketConsumer):
    def receive_json(self, content: Any, **kwargs: Any) -> None:
        self.send_json(content)


CONSUMERS: dict[str, Any] = {
    "async echo consumer": AsyncEcho.as_asgi(),
    "sync JSON consumer": SyncJsonEcho.as_asgi(),
}
JSON = {"sync JSON consumer"}


async def ours_round_trips(app: Any, messages: int, as_json: bool) -> float:
    client = AsyncAPIClient()
    async with client.websocket_connect("/ws/", app=app, timeout=TIMEOUT) as ws:
        started = time.perf_counter()
        for index in range(messages):
            if as_json:
                await ws.send_json({"n": index})
                await ws.receive_json()
            else:
                await ws.send_text("ping")
                await ws.receive_text()
        return (time.perf_counter() - started) / messages


async def peer_round_trips(app: Any, messages: int, as_json: bool) -> float:
    communicator = WebsocketCommunicator(app, "/ws/")
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    if not connected:
        raise RuntimeError("the communicator was refused")
    started = time.perf_counter()
    for index in range(messages):
        if as_json:
            await communicator.send_json_to({"n": index})
            await communicator.receive_json_from(timeout=TIMEOUT)
        else:
            await communicator.send_to(text_data="ping")
            await communicator.receive_from(timeout=TIMEOUT)
    elapsed = (time.perf_counter() - started) / messages
    await communicator.disconnect(timeout=TIMEOUT)
    return elapsed


async def ours_connect_close(app: Any, connections: int) -> float:
    client = AsyncAPIClient()
    started = time.perf_counter()
    for _ in range(connections):
        async with client.websocket_connect("/ws/", app=app, timeout=TIMEOUT):
            pass
    return (time.perf_counter() - started) / connections


async def peer_connect_close(app: Any, connections: int) -> float:
    started = time.perf_counter()
    for _ in range(connections):
        communicator = WebsocketCommunicator(app, "/ws/")
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        if not connected:
            raise RuntimeError("the communicator was refused")
        await communicator.disconnect(timeout=TIMEOUT)
    return (time.perf_counter() - started) / connections


Measure = Callable[[], Awaitable[float]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--connections", type=int, default=40)
    args = parser.parse_args()

    loop = LoopThread()
    # (figure, contender) -> measurement; a figure is compared between "ours" and "peer".
    figures: dict[str, dict[str, Measure]] = {}
    for name, app in CONSUMERS.items():
        as_json = name in JSON
        figures[f"round trip, {name}"] = {
            "ours": lambda app=app, as_json=as_json: ours_round_trips(app, args.messages, as_json),
            "peer": lambda app=app, as_json=as_json: peer_round_trips(app, args.messages, as_json),
        }
        figures[f"connect + close, {name}"] = {
            "ours": lambda app=app: ours_connect_close(app, args.connections),
            "peer": lambda app=app: peer_connect_close(app, args.connections),
        }
    samples: dict[str, dict[str, list[float]]] = {
        figure: {"ours": [], "peer": []} for figure in figures
    }
    ratios: dict[str, list[float]] = {figure: [] for figure in figures}
    try:
        for contenders in figures.values():  # warm-up
            for measure in contenders.values():
                loop.run(measure())
        for round_index in range(args.rounds):
            for figure, contenders in figures.items():
                order = ["ours", "peer"] if round_index % 2 == 0 else ["peer", "ours"]
                measured = {who: loop.run(contenders[who]()) for who in order}
                for who, seconds in measured.items():
                    samples[figure][who].append(seconds)
                ratios[figure].append(measured["ours"] / measured["peer"])
    finally:
        loop.close()

    print(f"{args.rounds} rounds; ours = AsyncAPIClient.websocket_connect, peer = Channels'")
    print("WebsocketCommunicator; same consumer, same test loop.\n")
    print("| figure | ours | peer | ours / peer |")
    print("| --- | --- | --- | --- |")
    for figure in figures:
        ours = statistics.median(samples[figure]["ours"])
        peer = statistics.median(samples[figure]["peer"])
        quartiles = statistics.quantiles(ratios[figure], n=4)
        if figure.startswith("round trip"):
            # Throughput: round trips per second, ratio ours / peer (higher is better).
            throughput = [1 / ratio for ratio in ratios[figure]]
            q = statistics.quantiles(throughput, n=4)
            print(
                f"| {figure} (round trips/s) | {1 / ours:,.0f} | {1 / peer:,.0f} | "
                f"{statistics.median(throughput):.2f} ({q[0]:.2f}..{q[2]:.2f}) |"
            )
        else:
            ratio = statistics.median(ratios[figure])
            print(
                f"| {figure} (per session) | {ours * 1e3:.2f} ms | {peer * 1e3:.2f} ms | "
                f"{ratio:.2f} ({quartiles[0]:.2f}..{quartiles[2]:.2f}) |"
            )


if __name__ == "__main__":
    main()
