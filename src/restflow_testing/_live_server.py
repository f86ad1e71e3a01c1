"""Serve the project's ASGI application through uvicorn for the live server test case.

uvicorn's loop runs on a :class:`~restflow_testing._loop_thread.LoopThread` whose sync work the
server thread serves: every request's ORM work then uses the connections Django's live server
test case hands to that thread (the test database, shared for in-memory SQLite), as Django's
threaded WSGI live server does for each request thread.
"""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import threading
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.db import connections
from django.test.testcases import LiveServerThread
from django.utils.module_loading import import_string

from restflow_testing._loop_thread import LoopThread

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper


def live_server_thread_class() -> type[threading.Thread]:
    """uvicorn's server thread when the ``live`` extra is installed, else Django's own."""
    if importlib.util.find_spec("uvicorn") is None:
        return LiveServerThread
    return ASGILiveServerThread


def asgi_application() -> Any:
    """``settings.ASGI_APPLICATION`` when set, else Django's default ASGI handler."""
    path = getattr(settings, "ASGI_APPLICATION", None)
    if path:
        return import_string(path)
    return ASGIHandler()


class ASGILiveServerThread(threading.Thread):
    """A thread running uvicorn on loopback, with the interface Django's live server expects.

    The socket is bound before ``is_ready`` is set, so ``port`` is the real port even when 0
    was asked for; ``terminate()`` stops the server and joins the thread. ``static_handler``
    is accepted for the interface's sake: it is Django's WSGI handler, which uvicorn cannot use.
    """

    def __init__(
        self,
        host: str,
        static_handler: Any,
        connections_override: dict[str, BaseDatabaseWrapper] | None = None,
        port: int = 0,
    ) -> None:
        self.host = host
        self.port = port
        self.is_ready = threading.Event()
        self.error: BaseException | None = None
        self.connections_override = connections_override or {}
        self._server: Any = None
        super().__init__(name="restflow-testing-live-server")

    def run(self) -> None:
        import uvicorn

        for alias, connection in self.connections_override.items():
            connections[alias] = connection
        loop: LoopThread | None = None
        try:
            loop = LoopThread()
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
            self.port = sock.getsockname()[1]
            config = uvicorn.Config(
                asgi_application(), lifespan="off", log_level="warning", access_log=False
            )
            self._server = uvicorn.Server(config)
            loop.run(self._serve(sock))
        except BaseException as error:  # reported to the test case through ``error``
            self.error = error
            self.is_ready.set()
        finally:
            if loop is not None:
                loop.close()
            connections.close_all()

    async def _serve(self, sock: socket.socket) -> None:
        server = self._server
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not serving.done():  # noqa: ASYNC110 (a flag, no event)
            await asyncio.sleep(0.005)
        self.is_ready.set()
        await serving
        if not server.started:
            raise RuntimeError("uvicorn could not start the live server; see its log above.")

    def terminate(self) -> None:
        """Stop serving and wait for the thread to end."""
        if self._server is not None:
            self._server.should_exit = True
        if self.is_alive():
            self.join()
