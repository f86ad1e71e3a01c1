"""The test client, its request factory, WebSocket sessions and request timeouts."""
