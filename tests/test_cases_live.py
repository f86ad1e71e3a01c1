"""The live server test case serves the project's ASGI application over a real socket."""

import httpx

from restflow_testing import AsyncAPILiveServerTestCase
from tests.project.app.models import Article


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
