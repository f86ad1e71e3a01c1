"""Request timeouts: ``AsyncAPIClient(timeout=...)`` and ``timeout=`` per call, against async
views that never finish (interrupted, naming where they wait), sync code that overruns (run to
its end, then failed with its stack at the deadline), and ``asyncio.wait_for`` around requests.
"""

import asyncio
import time

from django.test import AsyncClient

from restflow_testing import AsyncAPIClient, AsyncAPITestCase, RequestTimeout
from tests.project.app.models import Tag

# A bound for "the request came back at all": the views below wait an hour or for ever.
CAME_BACK = 30.0


class AsyncViewsAreInterrupted(AsyncAPITestCase):
    async def test_the_clients_timeout_interrupts_a_django_view_that_waits_for_ever(self) -> None:
        client = AsyncAPIClient(timeout=0.2)
        started = time.monotonic()
        with self.assertRaises(RequestTimeout) as caught:
            await client.get("/timeout/forever/")
        self.assertLess(time.monotonic() - started, CAME_BACK)
        error = caught.exception
        self.assertIsInstance(error, TimeoutError)
        self.assertEqual(
            (error.method, error.path, error.timeout), ("GET", "/timeout/forever/", 0.2)
        )
        message = str(error)
        self.assertIn("GET /timeout/forever/ did not finish within its timeout of 0.2 s", message)
        self.assertIn("views_timeout.py", message)
        self.assertIn("in wait_forever", message)
        self.assertIn("await asyncio.Event().wait()", message)

    async def test_a_calls_timeout_interrupts_a_restflow_view(self) -> None:
        with self.assertRaises(RequestTimeout) as caught:
            await self.client.get("/timeout/restflow/", timeout=0.1)
        self.assertIn("in get", str(caught.exception))
        self.assertIn("await asyncio.sleep", str(caught.exception))

    async def test_a_calls_timeout_overrides_the_clients(self) -> None:
        client = AsyncAPIClient(timeout=0.05)
        response = await client.get("/timeout/restflow/", {"seconds": "0.2"}, timeout=10)
        self.assertEqual(response.json(), {"slept": True})

    async def test_requests_within_their_timeout_are_untouched(self) -> None:
        client = AsyncAPIClient(timeout=10)
        response = await client.post("/restflow/echo/", {"a": 1})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(
            (await client.get("/timeout/restflow/", {"seconds": "0"})).status_code, 200
        )

    async def test_the_client_stays_usable_after_a_timeout(self) -> None:
        with self.assertRaises(RequestTimeout):
            await self.client.get("/timeout/forever/", timeout=0.05)
        self.assertEqual((await self.client.get("/restflow/echo/")).status_code, 200)

    async def test_the_timeout_covers_redirects_and_names_the_one_that_hung(self) -> None:
        with self.assertRaises(RequestTimeout) as caught:
            await self.client.post("/timeout/to-forever/", {"a": 1}, follow=True, timeout=0.1)
        self.assertEqual(
            (caught.exception.method, caught.exception.path), ("POST", "/timeout/to-forever/")
        )
        self.assertIn(
            "POST /timeout/to-forever/ (redirected to GET /timeout/forever/) did not finish",
            str(caught.exception),
        )

    async def test_requests_sent_together_keep_their_own_timeouts(self) -> None:
        outcomes = await asyncio.gather(
            self.client.get("/timeout/forever/", timeout=0.1),
            self.client.get("/timeout/restflow/", {"seconds": "0.3"}, timeout=20),
            self.client.get("/restflow/echo/"),
            return_exceptions=True,
        )
        self.assertIsInstance(outcomes[0], RequestTimeout)
        self.assertEqual([getattr(o, "status_code", o) for o in outcomes[1:]], [200, 200])

    async def test_a_views_own_timeout_error_is_not_a_request_timeout(self) -> None:
        with self.assertRaisesRegex(TimeoutError, "the view's own timeout") as caught:
            await self.client.get("/timeout/own/", timeout=10)
        self.assertNotIsInstance(caught.exception, RequestTimeout)

    async def test_a_timeout_must_be_positive(self) -> None:
        for bad in (0, -1.5):
            with self.assertRaisesRegex(ValueError, "positive number of seconds"):
                AsyncAPIClient(timeout=bad)
            with self.assertRaisesRegex(ValueError, "positive number of seconds"):
                await self.client.get("/restflow/echo/", timeout=bad)


class SyncCodeRunsToItsEnd(AsyncAPITestCase):
    async def test_a_sync_view_that_overruns_fails_when_it_returns(self) -> None:
        with self.assertRaises(RequestTimeout) as caught:
            await self.client.get("/timeout/sync/", {"name": "ran", "seconds": "0.3"}, timeout=0.05)
        message = str(caught.exception)
        self.assertIn("GET /timeout/sync/ did not finish within its timeout of 0.05 s", message)
        self.assertIn("ran to its end", message)
        self.assertIn('time.sleep(float(request.query_params["seconds"]))', message)
        # The view was not interrupted: its write happened.
        self.assertTrue(await Tag.objects.filter(name="ran").aexists())

    async def test_sync_work_of_an_async_view_overruns_the_same_way(self) -> None:
        with self.assertRaises(RequestTimeout) as caught:
            await self.client.get("/timeout/sync-work/", {"seconds": "0.3"}, timeout=0.05)
        self.assertIn("in _nap", str(caught.exception))
        self.assertIn("ran to its end", str(caught.exception))

    async def test_what_follows_overrunning_sync_work_is_interrupted(self) -> None:
        with self.assertRaises(RequestTimeout) as caught:
            await self.client.get(
                "/timeout/sync-work/", {"seconds": "0.2", "then_wait": "1"}, timeout=0.05
            )
        message = str(caught.exception)
        self.assertIn("was interrupted", message)
        self.assertIn("await asyncio.sleep(3600)", message)
        self.assertIn("in _nap", message)  # where the sync work was at the deadline


class WaitForAroundARequest(AsyncAPITestCase):
    """``asyncio.wait_for`` around a request behaves as around Django's own async client."""

    async def check(self, client: AsyncClient | AsyncAPIClient) -> None:
        started = time.monotonic()
        with self.assertRaises(TimeoutError) as caught:
            await asyncio.wait_for(client.get("/timeout/forever/"), 0.1)
        self.assertLess(time.monotonic() - started, CAME_BACK)
        self.assertNotIsInstance(caught.exception, RequestTimeout)
        self.assertEqual((await client.get("/restflow/echo/")).status_code, 200)

    async def test_djangos_client(self) -> None:
        await self.check(AsyncClient())

    async def test_this_client(self) -> None:
        await self.check(self.client)

    async def test_this_client_with_a_longer_timeout_of_its_own(self) -> None:
        await self.check(AsyncAPIClient(timeout=60))

    async def test_around_a_sync_view_both_clients_give_up_waiting(self) -> None:
        for name, client in (("django", AsyncClient()), ("ours", self.client)):
            with self.assertRaises(TimeoutError) as caught:
                query = {"name": f"sync-{name}", "seconds": "0.2"}
                await asyncio.wait_for(client.get("/timeout/sync/", query), 0.05)
            self.assertNotIsInstance(caught.exception, RequestTimeout)
            # The sync view could not be interrupted: it finished its work.
            self.assertEqual((await client.get("/restflow/echo/")).status_code, 200)
            self.assertTrue(await Tag.objects.filter(name=f"sync-{name}").aexists())
