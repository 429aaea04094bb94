"""The Teams app manifest, its icons, and the package `build_package` makes for "Upload a custom app"."""

from __future__ import annotations

import functools
import io
import json
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bot.app.teams_package import MANIFEST_DIR, PLACEHOLDER_HOST, PLACEHOLDER_ID, build_package
from tests.conformance import SPECS_ENV, specs_dir

REPO_ROOT = Path(__file__).resolve().parents[1]
SCHEMA_NAME = "teams-manifest.schema.json"
APP_ID = "3f2b8c1e-7a4d-4e9b-9c60-2d5e8f1a0b47"
HOST = "mediadesk.nhs-icb.example"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_ALPHA_COLOUR_TYPES = {4, 6}  # grey + alpha, RGB + alpha


@functools.lru_cache(maxsize=4)
def _validator(path: Path) -> Any:
    # The schema declares draft-04 but uses `const` (draft-06+): validate with draft-07.
    from jsonschema import Draft7Validator

    schema = json.loads(path.read_text(encoding="utf-8"))
    # Check the schema against the draft-07 metaschema without format checks: two patterns use `\p{L}`, which
    # Python's `re` rejects as a "regex". They sit under `extensions`, which this manifest does not use.
    meta_errors = [e.message for e in Draft7Validator(Draft7Validator.META_SCHEMA).iter_errors(schema)]
    assert not meta_errors, meta_errors
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def validate_teams_manifest(data: dict[str, Any]) -> None:
    path = specs_dir() / SCHEMA_NAME
    if not path.is_file():
        raise FileNotFoundError(
            f"spec {SCHEMA_NAME!r} not found in {path.parent} (set ${SPECS_ENV} to override)"
        )
    errors = sorted(_validator(path).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        lines = [f"  {'.'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}" for e in errors]
        raise AssertionError(f"Teams manifest does not conform to {SCHEMA_NAME}:\n" + "\n".join(lines))


def png_header(data: bytes) -> tuple[int, int, int, int]:
    """(width, height, bit depth, colour type) from a PNG's IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13, "the first chunk of a PNG must be IHDR"
    width, height, depth, colour_type = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour_type


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return json.loads((MANIFEST_DIR / "manifest.json").read_text(encoding="utf-8"))


def _commands(manifest: dict[str, Any], scope: str) -> dict[str, str]:
    return {
        c["title"]: c.get("description", "")
        for cl in manifest["bots"][0]["commandLists"]
        if scope in cl["scopes"]
        for c in cl["commands"]
    }


# =========================================================================== the shipped manifest


def test_manifest_dir_is_at_repo_root() -> None:
    assert MANIFEST_DIR == REPO_ROOT / "manifest" / "teams"


def test_shipped_manifest_conforms_to_teams_schema(manifest: dict[str, Any]) -> None:
    validate_teams_manifest(manifest)


def test_shipped_manifest_header(manifest: dict[str, Any]) -> None:
    schema = json.loads((specs_dir() / SCHEMA_NAME).read_text(encoding="utf-8"))
    assert manifest["manifestVersion"] == schema["properties"]["manifestVersion"]["const"] == "1.30"
    assert manifest["$schema"].endswith("/teams/v1.30/MicrosoftTeams.schema.json")
    assert manifest["id"] == PLACEHOLDER_ID
    assert manifest["name"]["short"] == "Media Desk"
    assert manifest["accentColor"].upper() == "#005EB8"
    assert manifest["validDomains"] == [PLACEHOLDER_HOST]
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        assert manifest["developer"][key].startswith(f"https://{PLACEHOLDER_HOST}/")


def test_shipped_bot(manifest: dict[str, Any]) -> None:
    (bot,) = manifest["bots"]
    assert bot["botId"] == PLACEHOLDER_ID
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["supportsFiles"] is True  # an export of the media log comes as a file (the file consent card)
    assert bot["isNotificationOnly"] is False


def test_commands(manifest: dict[str, Any]) -> None:
    personal = _commands(manifest, "personal")
    assert {"media call", "crisis", "help", "search", "my work", "export"} <= set(personal)
    assert personal["media call"] == "Log a call from a journalist"
    assert personal["crisis"] == "Report a situation that could damage our reputation"
    assert "help" in _commands(manifest, "team")
    for cl in manifest["bots"][0]["commandLists"]:
        assert len(cl["commands"]) == len({c["title"] for c in cl["commands"]}), "duplicate command title"


# =========================================================================== icons


@pytest.mark.parametrize(("key", "size"), [("color", 192), ("outline", 32)])
def test_icon_is_png_of_teams_size(manifest: dict[str, Any], key: str, size: int) -> None:
    width, height, depth, _ = png_header((MANIFEST_DIR / manifest["icons"][key]).read_bytes())
    assert (width, height) == (size, size)
    assert depth == 8


def test_outline_icon_is_white_on_transparent(manifest: dict[str, Any]) -> None:
    data = (MANIFEST_DIR / manifest["icons"]["outline"]).read_bytes()
    _, _, _, colour_type = png_header(data)
    assert colour_type in PNG_ALPHA_COLOUR_TYPES, "the outline icon needs an alpha channel"
    pixels = _rgba_pixels(data)
    assert all(p[:3] == (255, 255, 255) for p in pixels if p[3]), "visible outline pixels must be white"
    assert any(p[3] == 0 for p in pixels), "the background must be transparent"
    assert any(p[3] == 255 for p in pixels), "the glyph must be visible"


def test_color_icon_has_nhs_blue_background(manifest: dict[str, Any]) -> None:
    pixels = _rgba_pixels((MANIFEST_DIR / manifest["icons"]["color"]).read_bytes())
    assert pixels[0] == (0x00, 0x5E, 0xB8, 255)  # top-left corner
    assert any(p == (255, 255, 255, 255) for p in pixels), "the glyph is white"


def _rgba_pixels(data: bytes) -> list[tuple[int, int, int, int]]:
    """Decode an 8-bit RGB/RGBA PNG written with filter type 0 (as make_icons.py writes them)."""
    import zlib

    width, height, depth, colour_type = png_header(data)
    assert depth == 8 and colour_type in (2, 6)
    channels = 4 if colour_type == 6 else 3
    idat, pos = b"", 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    pixels = []
    for y in range(height):
        row = raw[y * stride : (y + 1) * stride]
        assert row[0] == 0, "only filter type 0 is decoded here"
        for x in range(width):
            p = tuple(row[1 + x * channels : 1 + (x + 1) * channels])
            pixels.append(p if channels == 4 else (*p, 255))
    return pixels


# =========================================================================== the package


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return build_package(APP_ID, host=HOST, out=tmp_path / "dist" / "mediadesk.zip")


def test_package_holds_exactly_the_three_files_at_root(package: Path) -> None:
    assert package.is_file()
    with zipfile.ZipFile(package) as zf:
        assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert zf.testzip() is None
        assert zf.read("color.png") == (MANIFEST_DIR / "color.png").read_bytes()
        assert zf.read("outline.png") == (MANIFEST_DIR / "outline.png").read_bytes()


def test_package_manifest_validates_and_carries_id_and_host(package: Path) -> None:
    with zipfile.ZipFile(package) as zf:
        raw = zf.read("manifest.json")
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    data = json.loads(raw.decode("utf-8"))
    validate_teams_manifest(data)
    assert data["id"] == APP_ID
    assert data["bots"][0]["botId"] == APP_ID
    assert HOST in data["validDomains"]
    assert PLACEHOLDER_HOST not in json.dumps(data)
    assert PLACEHOLDER_ID not in json.dumps(data)
    assert data["developer"]["privacyUrl"].startswith(f"https://{HOST}/")


def test_package_without_host_keeps_placeholder_host(tmp_path: Path) -> None:
    path = build_package(APP_ID.upper(), out=tmp_path)
    assert path == tmp_path / "mediadesk-teams.zip"
    with zipfile.ZipFile(path) as zf:
        data = json.loads(zf.read("manifest.json"))
    validate_teams_manifest(data)
    assert data["id"] == data["bots"][0]["botId"] == APP_ID.upper()
    assert data["validDomains"] == [PLACEHOLDER_HOST]


def test_package_is_reproducible(tmp_path: Path) -> None:
    first = build_package(APP_ID, host=HOST, out=tmp_path / "a.zip").read_bytes()
    second = build_package(APP_ID, host=HOST, out=tmp_path / "b.zip").read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert all(not info.filename.startswith(("/", "..")) for info in zf.infolist())


def test_shipped_manifest_is_not_modified(tmp_path: Path) -> None:
    before = (MANIFEST_DIR / "manifest.json").read_bytes()
    build_package(APP_ID, host=HOST, out=tmp_path)
    assert (MANIFEST_DIR / "manifest.json").read_bytes() == before


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not-a-guid",
        "{{MICROSOFT_APP_ID}}",
        "3f2b8c1e7a4d4e9b9c602d5e8f1a0b47",
        APP_ID + "0",
        "{" + APP_ID + "}",
    ],
)
def test_non_guid_app_id_is_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match=r"Teams app id must be a GUID") as info:
        build_package(bad, out=tmp_path)
    assert repr(bad) in str(info.value)
    assert not list(tmp_path.iterdir()), "nothing is written for a refused id"


def test_placeholder_app_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="placeholder"):
        build_package(PLACEHOLDER_ID, out=tmp_path)


@pytest.mark.parametrize(
    "bad", ["https://mediadesk.example.org", "mediadesk.example.org/teams", "host:8443", "x"]
)
def test_bad_host_is_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="bare host name"):
        build_package(APP_ID, host=bad, out=tmp_path)
