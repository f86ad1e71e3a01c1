"""The wheel and the sdist, built by the project's build backend, carry what a release needs."""

import email
import tarfile
import zipfile
from pathlib import Path

import pytest
from hatchling import build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    target = tmp_path_factory.mktemp("dist")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # the backend builds the project in the working directory
        wheel = target / build.build_wheel(str(target))
        sdist = target / build.build_sdist(str(target))
    return wheel, sdist


def test_the_wheel_carries_the_license_and_the_project_urls(built: tuple[Path, Path]) -> None:
    wheel, _ = built
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(name for name in names if name.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(info))
        license_file = info.replace("METADATA", "licenses/LICENSE")
        assert archive.read(license_file) == (ROOT / "LICENSE").read_bytes()
    assert "restflow_testing/py.typed" in names
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL") or [])
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    assert urls["Changelog"].endswith("/CHANGELOG.md")
    # No test project, docs or scripts in the wheel: only the package and its metadata.
    assert {name.split("/")[0] for name in names} == {
        "restflow_testing",
        info.split("/")[0],
    }


def test_the_sdist_carries_the_license_changelog_and_suite(built: tuple[Path, Path]) -> None:
    _, sdist = built
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        names = {name.removeprefix(f"{top}/") for name in archive.getnames()}
        license_member = archive.extractfile(f"{top}/LICENSE")
        assert license_member is not None
        assert license_member.read() == (ROOT / "LICENSE").read_bytes()
    assert {"LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "PKG-INFO"} <= names
    assert {"src/restflow_testing/py.typed", "tests/conftest.py", "docs/index.md"} <= names
    assert not any(name.startswith((".venv", "site/")) for name in names)
