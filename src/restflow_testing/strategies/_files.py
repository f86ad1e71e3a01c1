"""File and image fields, and uploaded files for multipart payloads."""

import importlib.util
import string
import struct
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework import fields

from restflow_testing.strategies._arguments import check_count
from restflow_testing.strategies._dispatch import Context, Kind, builtin
from restflow_testing.strategies._registry import unsupported
from restflow_testing.strategies._types import AnyField

_STEM_CHARS = string.ascii_lowercase + string.digits + "_-"
_EXTENSIONS = ("txt", "bin", "csv", "dat")


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid PNG image of one colour, built without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + bytes(rgb) * width
    pixels = zlib.compress(row * height)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def file_names(
    extensions: tuple[str, ...] = _EXTENSIONS, max_length: int | None = None
) -> SearchStrategy[str]:
    """Plain file names (``stem.ext``) that survive Django's upload name sanitising, at most
    ``max_length`` characters long; when no ``stem.ext`` fits, bare stems (a file field does
    not ask for an extension). Call it with ``max_length`` of at least 1."""
    longest = max(len(extension) for extension in extensions) + 1
    if max_length is not None and max_length < longest + 1:
        return st.text(_STEM_CHARS, min_size=1, max_size=max_length)
    stem_max = 24 if max_length is None else min(24, max_length - longest)
    return st.builds(
        "{}.{}".format,
        st.text(_STEM_CHARS, min_size=1, max_size=stem_max),
        st.sampled_from(extensions),
    )


def uploaded_files(
    *, min_size: int = 1, max_size: int = 256, max_name_length: int | None = None
) -> SearchStrategy[SimpleUploadedFile]:
    """Fresh uploaded files (a new, unread object per draw) with arbitrary bytes.

    Their content is ``min_size`` to ``max_size`` bytes long; their names (``stem.ext``, or a
    bare stem where ``max_name_length`` leaves no room for an extension) at most
    ``max_name_length`` characters. Bad arguments raise Hypothesis' ``InvalidArgument`` here.
    """
    check_count("uploaded_files", "min_size", min_size, 0)
    check_count("uploaded_files", "max_size", max_size, min_size, " (min_size)")
    if max_name_length is not None:
        check_count(
            "uploaded_files", "max_name_length", max_name_length, 1, " (a name has a character)"
        )

    def upload(name: str, content: bytes) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, content, "application/octet-stream")

    return st.builds(
        upload,
        file_names(max_length=max_name_length),
        st.binary(min_size=min_size, max_size=max_size),
    )


_SHORTEST_IMAGE_NAME = len("a.png")


def image_files(*, max_name_length: int | None = None) -> SearchStrategy[SimpleUploadedFile]:
    """Fresh uploaded PNG images of a few pixels, named ``stem.png`` in at most
    ``max_name_length`` characters (at least 5: Django's image fields check the extension).
    Bad arguments raise Hypothesis' ``InvalidArgument`` here."""
    if max_name_length is not None:
        check_count(
            "image_files",
            "max_name_length",
            max_name_length,
            _SHORTEST_IMAGE_NAME,
            " (the shortest image name, 'a.png')",
        )

    def image(name: str, width: int, height: int, rgb: tuple[int, int, int]) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, _png(width, height, rgb), "image/png")

    return st.builds(
        image,
        file_names(("png",), max_length=max_name_length),
        st.integers(1, 8),
        st.integers(1, 8),
        st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)),
    )


def pillow_installed() -> bool:
    """Whether Pillow, which Django needs to validate images, can be imported."""
    return importlib.util.find_spec("PIL") is not None


def _require_multipart(field: AnyField, ctx: Context) -> None:
    if not ctx.multipart:
        raise unsupported(
            field,
            ctx.path,
            "file uploads need multipart payloads: from_serializer(..., multipart=True), or "
            "leave multipart unset for serializers with file fields; send them with "
            "format='multipart'",
        )


def _file_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    _require_multipart(field, ctx)
    return uploaded_files(
        min_size=0 if getattr(field, "allow_empty_file", False) else 1,
        max_name_length=getattr(field, "max_length", None),
    )


def _file_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    out: list[SearchStrategy[Any]] = [st.sampled_from(["not a file", "file.txt"])]
    if not getattr(field, "allow_empty_file", False):
        out.append(uploaded_files(min_size=0, max_size=0))
    max_length: int | None = getattr(field, "max_length", None)
    if max_length:
        too_long = max_length
        out.append(
            st.integers(1, 5).map(
                lambda extra: SimpleUploadedFile("f" * (too_long + extra) + ".txt", b"data")
            )
        )
    return out


def _require_pillow(field: AnyField, ctx: Context) -> None:
    if not pillow_installed():
        raise unsupported(
            field,
            ctx.path,
            "ImageField validation needs Pillow, which is not installed: pip install Pillow",
        )


def _image_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    _require_pillow(field, ctx)
    _require_multipart(field, ctx)
    return image_files(max_name_length=getattr(field, "max_length", None))


def _image_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    _require_pillow(field, ctx)
    not_image = st.binary(min_size=1, max_size=32).map(
        lambda content: SimpleUploadedFile("picture.png", b"GIF89" + content, "image/png")
    )
    return [*_file_invalid(field, ctx), not_image]


builtin(fields.FileField, kind=Kind(_file_valid, _file_invalid))
builtin(fields.ImageField, kind=Kind(_image_valid, _image_invalid))
