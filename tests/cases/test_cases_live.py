"""The live server test case serves the project's ASGI application over a real socket."""

import asyncio

import httpx

from restflow_testing import AsyncAPILiveServerTestCase
from tests.project.app.models import Article

BURSTS = 5
REQUESTS_PER_BURST = 10


class LiveServerTests(AsyncAPILiveServerTestCase):
    async def test_served_by_uvicorn_over_a_real_socket(self) -> None:
        self.assertTrue(self.live_server_url.startswith("http://localhost:"))
        async with httpx.AsyncClient(base_url=self.live_server_url) as http:
            response = await http.get("/restflow/echo/", params={"q": "live"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["server"], "uvicorn")
        self.assertEqual(response.json()["query"], {"q": ["live"]})

    async def test_rows_written_by_the_test_are_served(self) -> None:
        await Article.objects.acreate(title="Visible to the server")
        async with httpx.AsyncClient(base_url=self.live_server_url) as http:
            created = await http.post("/restflow/articles/", json={"title": "Over the wire"})
            listed = await http.get("/restflow/articles/")
        self.assertEqual(created.status_code, 201, created.text)
        titles = [item["title"] for item in listed.json()]
        self.assertEqual(titles, ["Visible to the server", "Over the wire"])
        self.assertEqual(await Article.objects.acount(), 2)

    async def test_concurrent_requests_that_read_and_write_all_succeed(self) -> None:
        # Issue case 10: Django's threaded WSGI live server takes concurrent requests on SQLite;
        # uvicorn's must too, with no "database table is locked". Each burst mixes the async
        # viewset's create, the sync viewset's create and list reads, all in flight at once.
        written: set[str] = set()
        async with httpx.AsyncClient(base_url=self.live_server_url, timeout=30) as http:
            for burst in range(BURSTS):
                titles = [f"burst {burst} request {n}" for n in range(REQUESTS_PER_BURST)]
                responses = await asyncio.gather(
                    *(self._read_or_write(http, n, title) for n, title in enumerate(titles))
                )
                failures = [(r.status_code, r.text[:300]) for r in responses if not r.is_success]
                self.assertEqual(failures, [], f"burst {burst}")
                posted = {t for n, t in enumerate(titles) if n % 3}
                for response in responses:
                    if response.request.method == "GET":
                        listed = {item["title"] for item in response.json()}
                        self.assertLessEqual(listed, written | posted)
                        self.assertLessEqual(written, listed)  # earlier bursts' rows
                written |= posted

        stored = [title async for title in Article.objects.values_list("title", flat=True)]
        self.assertEqual(sorted(stored), sorted(written))
        writes_per_burst = sum(1 for n in range(REQUESTS_PER_BURST) if n % 3)
        self.assertEqual(len(written), BURSTS * writes_per_burst)

    @staticmethod
    async def _read_or_write(http: httpx.AsyncClient, n: int, title: str) -> httpx.Response:
        """Request ``n`` of a burst: a list read, an async create or a sync create."""
        if n % 3 == 0:
            return await http.get("/restflow/articles/")
        path = "/restflow/articles/" if n % 3 == 1 else "/drf/articles/"
        return await http.post(path, json={"title": title})
