"""The file, multipart and JSON strategies keep their limits, and refuse bad arguments when built
(before anything is drawn) with Hypothesis' ``InvalidArgument`` naming the argument."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from restflow_testing import AsyncAPIClient
from restflow_testing.strategies import (
    from_serializer,
    image_files,
    json_objects,
    json_values,
    multipart_data,
    uploaded_files,
)
from tests.strategies.urls import ShortNameUploadSerializer


@settings(max_examples=300)
@given(st.data(), st.integers(1, 40))
def test_uploaded_file_names_keep_the_limit(data: st.DataObject, limit: int) -> None:
    upload = data.draw(uploaded_files(max_name_length=limit))
    assert upload.name is not None
    assert 1 <= len(upload.name) <= limit


@settings(max_examples=300)
@given(st.data(), st.integers(5, 40))
def test_image_names_keep_the_limit_and_their_extension(data: st.DataObject, limit: int) -> None:
    image = data.draw(image_files(max_name_length=limit))
    assert image.name is not None
    assert len(image.name) <= limit
    assert image.name.endswith(".png")


@given(uploaded_files(min_size=3, max_size=5))
def test_uploaded_file_sizes_keep_the_limits(upload: SimpleUploadedFile) -> None:
    assert upload.size in range(3, 6)


@given(multipart_data(max_fields=2))
def test_multipart_field_count_keeps_the_limit(data: dict[str, Any]) -> None:
    assert len(data) <= 2


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: uploaded_files(max_name_length=0), r"uploaded_files\(max_name_length=0\)"),
        (lambda: uploaded_files(max_name_length=-3), r"max_name_length must be at least 1"),
        (lambda: uploaded_files(min_size=-1), r"uploaded_files\(min_size=-1\)"),
        (lambda: uploaded_files(min_size=5, max_size=2), r"max_size must be at least 5"),
        (lambda: uploaded_files(max_size=2.5), r"max_size must be an int, not float"),  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        (lambda: image_files(max_name_length=3), r"image_files\(max_name_length=3\).*'a\.png'"),
        (lambda: image_files(max_name_length=0), r"max_name_length must be at least 5"),
        (lambda: multipart_data(max_fields=-1), r"multipart_data\(max_fields=-1\)"),
        (lambda: multipart_data(max_fields=True), r"max_fields must be an int, not bool"),
        (lambda: multipart_data(files="yes"), r"multipart_data\(files='yes'\)"),  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        (lambda: json_values(max_leaves=0), r"json_values\(max_leaves=0\)"),
        (lambda: json_objects(max_leaves=-1), r"json_objects\(max_leaves=-1\)"),
    ],
)
def test_bad_arguments_fail_when_the_strategy_is_built(build: Any, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        build()


def test_the_multipart_error_does_not_speak_of_hypothesis_internals() -> None:
    with pytest.raises(InvalidArgument) as raised:
        multipart_data(max_fields=-1)
    assert "max_size" not in str(raised.value)


@override_settings(ROOT_URLCONF="tests.strategies.urls")
@settings(max_examples=40, deadline=None)
@given(payload=from_serializer(ShortNameUploadSerializer))
async def test_bare_short_names_are_accepted_by_a_drf_view(payload: dict[str, Any]) -> None:
    # A FileField(max_length=3) leaves no room for "x.ext": the names are bare stems.
    assert len(payload["upload"].name) <= 3
    response = await AsyncAPIClient().post("/strategies/short-upload/", payload, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json(as_type=dict[str, Any])["name"] == payload["upload"].name
