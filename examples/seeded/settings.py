"""Settings of the seeded-bugs project: the bookshop's, with its own URLconf."""

from examples.bookshop.settings import *  # noqa: F403

ROOT_URLCONF = "examples.seeded.urls"  # pyright: ignore[reportConstantRedefinition]
