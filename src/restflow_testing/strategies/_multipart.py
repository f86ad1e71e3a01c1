"""Multipart form payloads: text fields, repeated fields and uploaded files."""

import string
from typing import TypeAlias

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from restflow_testing.strategies._arguments import check_count
from restflow_testing.strategies._files import uploaded_files
from restflow_testing.strategies._text import TEXT_CHARACTERS

FormValue: TypeAlias = str | list[str] | SimpleUploadedFile
"""One multipart form entry: text, repeated text, or an uploaded file."""

_NAMES = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=12)


def multipart_data(
    *, files: bool = True, max_fields: int = 6
) -> SearchStrategy[dict[str, FormValue]]:
    """Multipart form payloads for ``format="multipart"``.

    Field names are short ASCII identifiers (safe in a ``Content-Disposition`` header); values are
    text (valid UTF-8, no NUL), non-empty lists of text (sent as repeated fields, read with
    ``getlist``), and, with ``files=True``, fresh ``SimpleUploadedFile`` uploads with arbitrary
    content (a new unread file per draw, so a payload can be sent once). At most ``max_fields``
    fields. Shrinks towards ``{}``. Bad arguments raise Hypothesis' ``InvalidArgument`` here.
    """
    check_count("multipart_data", "max_fields", max_fields, 0)
    if not isinstance(files, bool):  # pyright: ignore[reportUnnecessaryIsInstance]  # untyped callers
        raise InvalidArgument(f"multipart_data(files={files!r}): files must be True or False.")
    text = st.text(TEXT_CHARACTERS, max_size=24)
    values: SearchStrategy[FormValue] = text | st.lists(text, min_size=1, max_size=3)
    if files:
        values = values | uploaded_files()
    return st.dictionaries(_NAMES, values, max_size=max_fields)
