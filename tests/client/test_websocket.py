"""WebSocket sessions opened by the test client: the handshake, frames, closing, errors, receive
timeouts, what the handshake carries from the HTTP side, and the application's database work
inside the test's transaction. Against plain ASGI applications (no Channels involved) and
Channels consumers routed by ``tests/project/asgi_websocket.py``.
"""

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from restflow_testing import (
    AsyncAPIClient,
    AsyncAPILiveServerTestCase,
    AsyncAPISimpleTestCase,
    AsyncAPITestCase,
    AsyncAPITransactionTestCase,
    WebSocketDisconnect,
    WebSocketSession,
    WebSocketTimeout,
)
from tests.project.app.models import Tag
from tests.project.app.websocket_apps import (
    Message,
    Receive,
    Send,
    plain_echo,
    plain_fails_on_connect,
    plain_ignores_disconnect,
    plain_quits,
    plain_reject,
)


class Frames(AsyncAPISimpleTestCase):
    """Sending and receiving against a plain ASGI application."""

    async def test_text_bytes_and_json_round_trip(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            await ws.send_text("hi")
            self.assertEqual(await ws.receive_text(), "hi")
            await ws.send_bytes(b"\x00\xff")
            self.assertEqual(await ws.receive_bytes(), b"\x00\xff")
            await ws.send_json({"a": [1, None]})
            self.assertEqual(await ws.receive_json(), {"a": [1, None]})
            await ws.send_json({"b": 2}, mode="binary")
            self.assertEqual(await ws.receive_json(mode="binary"), {"b": 2})
            await ws.send_text("x")
            self.assertEqual(await ws.receive(), {"type": "websocket.send", "text": "x"})

    async def test_the_accepted_subprotocol_is_recorded(self) -> None:
        async with self.client.websocket_connect(
            "/echo/", subprotocols=["v2", "v1"], app=plain_echo
        ) as ws:
            self.assertEqual(ws.accepted_subprotocol, "v2")
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            self.assertIsNone(ws.accepted_subprotocol)

    async def test_a_session_opens_once_and_json_modes_are_checked(self) -> None:
        session = self.client.websocket_connect("/echo/", app=plain_echo)
        async with session as ws:
            with self.assertRaisesRegex(ValueError, "mode must be 'text' or 'binary'"):
                await ws.send_json({}, mode="xml")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        with self.assertRaisesRegex(RuntimeError, "already opened"):
            async with session:
                pass

    async def test_a_frame_of_the_other_kind_is_a_type_error(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            await ws.send_bytes(b"raw")
            with self.assertRaisesRegex(TypeError, "got a binary one.*receive_bytes"):
                await ws.receive_text()
            await ws.send_text("words")
            with self.assertRaisesRegex(TypeError, "got a text one.*receive_text"):
                await ws.receive_bytes()

    async def test_a_receive_that_times_out_leaves_the_session_usable(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            await ws.send_text("later")
            with self.assertRaises(WebSocketTimeout) as caught:
                await ws.receive_text(timeout=0.01)
            self.assertIsInstance(caught.exception, TimeoutError)
            self.assertIn("/echo/", str(caught.exception))
            self.assertEqual(await ws.receive_text(timeout=5), "late")
            await ws.send_text("again")
            self.assertEqual(await ws.receive_text(), "again")

    async def test_the_sessions_timeout_is_the_default_for_receives(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo, timeout=0.01) as ws:
            with self.assertRaisesRegex(WebSocketTimeout, r"Waited 0\.01 s"):
                await ws.receive_json()

    async def test_receive_nothing_keeps_what_arrives_for_the_next_receive(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            self.assertTrue(await ws.receive_nothing(timeout=0.05))
            await ws.send_text("later")
            self.assertFalse(await ws.receive_nothing(timeout=5))
            self.assertEqual(await ws.receive_text(), "late")
            await ws.send_text("now")
            await asyncio.sleep(0.01)
            self.assertFalse(await ws.receive_nothing())
            self.assertEqual(await ws.receive_text(), "now")


class Closing(AsyncAPISimpleTestCase):
    """Closes from either side, rejected handshakes and the application's own exceptions."""

    async def test_a_rejected_handshake_raises_on_entering_the_block(self) -> None:
        entered = False
        with self.assertRaises(WebSocketDisconnect) as caught:
            async with self.client.websocket_connect("/no/", app=plain_reject):
                entered = True
        self.assertFalse(entered)
        self.assertEqual((caught.exception.code, caught.exception.reason), (4003, "go away"))
        self.assertIn("rejected the handshake to /no/", str(caught.exception))
        self.assertIn("Origin", str(caught.exception))

    async def test_a_close_by_the_application_raises_on_the_next_receive_and_send(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            await ws.send_text("close:4321")
            with self.assertRaises(WebSocketDisconnect) as caught:
                await ws.receive_text()
            self.assertEqual((caught.exception.code, caught.exception.reason), (4321, "asked"))
            with self.assertRaises(WebSocketDisconnect):
                await ws.receive_text()
            with self.assertRaises(WebSocketDisconnect):
                await ws.send_text("anyone?")

    async def test_an_application_that_returns_without_closing_is_a_1006_disconnect(self) -> None:
        async with self.client.websocket_connect("/quits/", app=plain_quits) as ws:
            self.assertEqual(await ws.receive_text(), "bye")
            with self.assertRaisesRegex(WebSocketDisconnect, "finished without closing") as caught:
                await ws.receive_text()
            self.assertEqual(caught.exception.code, 1006)

    async def test_leaving_the_block_disconnects_and_waits_for_the_application(self) -> None:
        seen: list[Message] = []

        async def app(scope: Message, receive: Receive, send: Send) -> None:
            await receive()
            await send({"type": "websocket.accept"})
            seen.append(await receive())
            await asyncio.sleep(0.05)  # cleanup the block's exit must wait for
            seen.append({"type": "finished"})

        async with self.client.websocket_connect("/x/", app=app):
            pass
        self.assertEqual(
            seen,
            [{"type": "websocket.disconnect", "code": 1000, "reason": ""}, {"type": "finished"}],
        )

    async def test_close_sends_the_code_and_later_sends_fail(self) -> None:
        seen: list[Message] = []

        async def app(scope: Message, receive: Receive, send: Send) -> None:
            await receive()
            await send({"type": "websocket.accept"})
            seen.append(await receive())

        async with self.client.websocket_connect("/x/", app=app) as ws:
            await ws.close(code=4001, reason="done")
            with self.assertRaisesRegex(RuntimeError, "is closed"):
                await ws.send_text("late")
        self.assertEqual(seen, [{"type": "websocket.disconnect", "code": 4001, "reason": "done"}])

    async def test_an_exception_in_the_handshake_is_raised(self) -> None:
        with self.assertRaisesRegex(LookupError, "no room"):
            async with self.client.websocket_connect("/x/", app=plain_fails_on_connect):
                pass

    async def test_an_exception_in_the_application_is_raised_by_the_next_receive(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            await ws.send_text("boom")
            with self.assertRaisesRegex(RuntimeError, "boom from the application"):
                await ws.receive_text()

    async def test_an_exception_nobody_received_is_raised_on_leaving_the_block(self) -> None:
        with self.assertRaisesRegex(RuntimeError, "boom from the application"):
            async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
                await ws.send_text("boom")

    async def test_an_error_in_the_block_keeps_the_applications_as_a_note(self) -> None:
        with self.assertRaises(KeyError) as caught:
            async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
                await ws.send_text("boom")
                await asyncio.sleep(0.01)
                raise KeyError("the test's own")
        notes = getattr(caught.exception, "__notes__", [])
        self.assertTrue(any("boom from the application" in note for note in notes), notes)

    async def test_an_application_that_ignores_the_disconnect_is_cancelled_and_named(
        self,
    ) -> None:
        with self.assertRaisesRegex(RuntimeError, "did not finish within 0.05 s"):
            async with self.client.websocket_connect(
                "/stuck/", app=plain_ignores_disconnect, timeout=0.05
            ):
                pass

    async def test_an_exception_raised_by_close_is_raised_once(self) -> None:
        async def app(scope: Message, receive: Receive, send: Send) -> None:
            await receive()
            await send({"type": "websocket.accept"})
            await receive()
            raise KeyError("raised on disconnect")

        async with self.client.websocket_connect("/x/", app=app) as ws:
            with self.assertRaisesRegex(KeyError, "raised on disconnect"):
                await ws.close()
        # Leaving the block raised nothing more.

    async def test_after_the_applications_exception_the_session_is_closed(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo, timeout=30) as ws:
            await ws.send_text("boom")
            with self.assertRaisesRegex(RuntimeError, "boom from the application"):
                await ws.receive_text()
            started = asyncio.get_running_loop().time()
            with self.assertRaises(WebSocketDisconnect) as caught:
                await ws.receive_text()  # at once, not after the session's 30 s
            self.assertLess(asyncio.get_running_loop().time() - started, 10)
            self.assertEqual(caught.exception.code, 1006)
            with self.assertRaises(WebSocketDisconnect):
                await ws.send_text("anyone?")
            with self.assertRaises(WebSocketDisconnect):
                await ws.receive_nothing()

    async def test_a_send_after_the_application_crashed_raises_its_exception(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            await ws.send_text("boom")
            await asyncio.sleep(0.05)
            with self.assertRaisesRegex(RuntimeError, "boom from the application"):
                await ws.send_text("next")

    async def test_receives_waiting_together_are_all_served(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            listener = asyncio.create_task(ws.receive_text(timeout=5))
            await asyncio.sleep(0)
            await ws.send_text("later")
            self.assertFalse(await ws.receive_nothing(timeout=5))
            self.assertEqual(await listener, "late")
            both = asyncio.gather(ws.receive_text(timeout=5), ws.receive_text(timeout=5))
            await ws.send_text("one")
            await ws.send_text("two")
            self.assertEqual(sorted(await both), ["one", "two"])

    async def test_a_handshake_nobody_answers_times_out_naming_it(self) -> None:
        async def silent(scope: Message, receive: Receive, send: Send) -> None:
            await receive()
            await asyncio.Event().wait()

        with self.assertRaisesRegex(WebSocketTimeout, "accept or refuse the handshake"):
            async with self.client.websocket_connect("/quiet/", app=silent, timeout=0.05):
                pass

    async def test_a_frame_before_accepting_is_a_protocol_error(self) -> None:
        async def eager(scope: Message, receive: Receive, send: Send) -> None:
            await receive()
            await send({"type": "websocket.send", "text": "too soon"})
            await receive()

        with self.assertRaisesRegex(RuntimeError, "sent a frame before accepting"):
            async with self.client.websocket_connect("/eager/", app=eager):
                pass

    async def test_receiving_after_close_is_an_error(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            await ws.close()
            with self.assertRaisesRegex(RuntimeError, "is closed"):
                await ws.receive_text()

    async def test_a_message_of_the_wrong_protocol_is_named(self) -> None:
        async def app(scope: Message, receive: Receive, send: Send) -> None:
            await receive()
            await send({"type": "http.response.start", "status": 200})

        with self.assertRaisesRegex(ValueError, "'http.response.start'"):
            async with self.client.websocket_connect("/x/", app=app):
                pass


class TheApplication(AsyncAPISimpleTestCase):
    """Which application a session talks to."""

    @override_settings(ASGI_APPLICATION="tests.project.app.websocket_apps.plain_echo")
    async def test_the_default_is_the_asgi_application_setting(self) -> None:
        async with self.client.websocket_connect("/ws/", subprotocols=["from-settings"]) as ws:
            self.assertEqual(ws.accepted_subprotocol, "from-settings")

    @override_settings(ASGI_APPLICATION=None)
    def test_without_the_setting_the_error_names_the_fix(self) -> None:
        with self.assertRaisesRegex(ImproperlyConfigured, "set ASGI_APPLICATION.*or pass app="):
            self.client.websocket_connect("/ws/").__aenter__().send(None)

    @override_settings(ASGI_APPLICATION="tests.project.nowhere.application")
    async def test_an_unimportable_setting_is_named(self) -> None:
        with self.assertRaisesRegex(ImproperlyConfigured, "tests.project.nowhere.application"):
            async with self.client.websocket_connect("/ws/"):
                pass


class TheHandshake(AsyncAPITestCase):
    """What the handshake carries from the client."""

    async def asyncSetUp(self) -> None:
        self.user = await sync_to_async(User.objects.create_user)("ada", password="pw")

    async def describe(self, client: AsyncAPIClient, **kwargs: Any) -> dict[str, Any]:
        async with client.websocket_connect("/echo/", app=plain_echo, **kwargs) as ws:
            await ws.send_text("scope")
            described: dict[str, Any] = await ws.receive_json()
            return described

    async def test_forced_authentication_is_the_scopes_user(self) -> None:
        self.assertEqual((await self.describe(self.client))["user"], None)
        self.client.force_authenticate(self.user)
        self.assertEqual((await self.describe(self.client))["user"], "ada")
        self.client.force_authenticate(None)
        self.assertEqual((await self.describe(self.client))["user"], None)

    async def test_the_forced_user_is_the_user_for_the_application(self) -> None:
        seen: list[object] = []

        async def app(scope: Message, receive: Receive, send: Send) -> None:
            seen.append(scope["user"])
            await receive()
            await send({"type": "websocket.close"})

        self.client.force_authenticate(self.user)
        with self.assertRaises(WebSocketDisconnect):
            async with self.client.websocket_connect("/x/", app=app):
                pass
        forced = seen[0]
        self.assertEqual(forced, self.user)
        self.assertIsInstance(forced, User)
        self.assertEqual(getattr(forced, "pk", None), self.user.pk)

    async def test_headers_credentials_defaults_and_query_arrive(self) -> None:
        client = AsyncAPIClient(HTTP_X_DEFAULT="d", headers={"X-Client": "c"})
        client.credentials(HTTP_AUTHORIZATION="Token abc")
        described = await self.describe(
            client,
            headers={"X-Trace": "t"},
            HTTP_X_EXTRA="e",
            query_params={"room": "lobby"},
            secure=True,
        )
        headers = described["headers"]
        expected = {
            "x-default": "d",
            "x-client": "c",
            "authorization": "Token abc",
            "x-trace": "t",
            "x-extra": "e",
        }
        self.assertEqual({name: headers[name] for name in expected}, expected)
        self.assertEqual((headers["upgrade"], headers["host"]), ("websocket", "testserver"))
        self.assertEqual(described["query_string"], "room=lobby")
        self.assertEqual(described["scheme"], "wss")

    async def test_a_query_in_the_path_is_the_scopes_query_string(self) -> None:
        described = await self.describe(self.client)
        self.assertEqual(described["query_string"], "")
        async with self.client.websocket_connect("/echo/?a=1&b=2", app=plain_echo) as ws:
            await ws.send_text("scope")
            self.assertEqual((await ws.receive_json())["query_string"], "a=1&b=2")

    def test_subprotocols_given_as_one_string_are_refused(self) -> None:
        with self.assertRaisesRegex(TypeError, r"write subprotocols=\['chat'\]"):
            self.client.websocket_connect("/echo/", subprotocols="chat")

    async def test_the_subprotocols_are_offered_in_the_header_too(self) -> None:
        described = await self.describe(self.client, subprotocols=["a", "b"])
        self.assertEqual(described["headers"]["sec-websocket-protocol"], "a, b")


NAMES = st.from_regex(r"[a-z]{1,12}", fullmatch=True)


class DatabaseWork(AsyncAPITestCase):
    """The application's async ORM work runs in the test's transaction and is rolled back."""

    async def asyncSetUp(self) -> None:
        await Tag.objects.acreate(name="made-by-the-test")

    async def test_the_application_sees_the_tests_rows_and_its_own_roll_back(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            await ws.send_text("tag:made-by-the-app")
            pk, count = (int(part) for part in (await ws.receive_text()).split(":"))
        self.assertEqual(count, 2)
        self.assertTrue(await Tag.objects.filter(pk=pk, name="made-by-the-app").aexists())

    async def test_nothing_of_the_test_before_is_left(self) -> None:
        self.assertEqual([tag.name async for tag in Tag.objects.all()], ["made-by-the-test"])

    @settings(max_examples=15, deadline=None)
    @given(
        st.lists(st.from_regex(r"[a-z]{1,12}", fullmatch=True), min_size=1, max_size=3, unique=True)
    )
    async def test_each_example_has_its_own_connection_and_savepoint(
        self, names: list[str]
    ) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            counts = []
            for name in names:
                await ws.send_text(f"tag:{name}")
                counts.append(int((await ws.receive_text()).split(":")[1]))
        # One row from asyncSetUp; none from an earlier example.
        self.assertEqual(counts, list(range(2, 2 + len(names))))


@pytest.mark.django_db
async def test_the_pytest_plugins_client_fixture_opens_sessions(
    async_api_client: AsyncAPIClient,
) -> None:
    await Tag.objects.acreate(name="pytest-row")
    async with async_api_client.websocket_connect("/echo/", app=plain_echo) as ws:
        await ws.send_text("tag:pytest-app-row")
        _, count = (await ws.receive_text()).split(":")
    assert count == "2"
    assert isinstance(ws, WebSocketSession)


@pytest.mark.django_db
async def test_the_pytest_plugin_rolled_back_the_sessions_rows() -> None:
    assert await Tag.objects.acount() == 0


class OpenedInAsyncSetUp(AsyncAPITestCase):
    """A session opened in ``asyncSetUp`` serves the test: one loop for both."""

    async def asyncSetUp(self) -> None:
        session = self.client.websocket_connect("/echo/", app=plain_echo)
        self.ws = await session.__aenter__()
        self.addAsyncCleanup(session.__aexit__, None, None, None)

    async def test_the_session_from_set_up_answers(self) -> None:
        await self.ws.send_text("tag:from-set-up-session")
        self.assertEqual((await self.ws.receive_text()).split(":")[1], "1")


class InATransactionTestCase(AsyncAPITransactionTestCase):
    async def test_the_applications_rows_are_committed_and_flushed_after(self) -> None:
        await Tag.objects.acreate(name="committed")
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            await ws.send_text("tag:also-committed")
            self.assertEqual((await ws.receive_text()).split(":")[1], "2")


class InALiveServerTestCase(AsyncAPILiveServerTestCase):
    async def test_sessions_work_beside_the_live_server(self) -> None:
        async with self.client.websocket_connect("/echo/", app=plain_echo) as ws:
            await ws.send_text("tag:live")
            self.assertEqual((await ws.receive_text()).split(":")[1], "1")
