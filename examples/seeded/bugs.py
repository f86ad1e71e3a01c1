"""The seeded bugs: which check must report which endpoint."""

SEEDED_BUGS: dict[str, str] = {
    "POST /buggy/quotes/": "server_error",
    "GET /buggy/books/{pk}/": "server_error",
    "DELETE /buggy/authors/{pk}/": "server_error",
    "GET /buggy/reviews/{pk}/": "response_schema",
    "GET /buggy/reviews/": "response_schema",
    "POST /buggy/books/": "status_code",
    "PATCH /buggy/authors/{pk}/": "status_code",
    "POST /buggy/authors/": "invalid_accepted",
    "PUT /buggy/books/{pk}/": "invalid_accepted",
    "POST /buggy/signups/": "rejected_write",
    "DELETE /buggy/reviews/{pk}/": "rejected_write",
    "PATCH /buggy/books/{pk}/": "auth_bypass",
    "GET /buggy/stats/": "auth_bypass",
}
"""Endpoint (``"METHOD /route/"``) -> the check that must report it."""
