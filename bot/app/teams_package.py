"""Build the Microsoft Teams app package: the zip that Teams' "Upload a custom app" accepts.

The shipped manifest (``manifest/teams/manifest.json``) carries the all-zero GUID as its app and bot id and
``mediadesk.example.org`` as its host, so that it validates as it stands. :func:`build_package` fills in the
real Microsoft App ID (from the Azure Bot registration) and, optionally, the public host, and zips the
manifest with its two icons at the root of the archive.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

MANIFEST_DIR = Path(__file__).resolve().parents[2] / "manifest" / "teams"
PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000"
PLACEHOLDER_HOST = "mediadesk.example.org"
DEFAULT_ZIP_NAME = "mediadesk-teams.zip"

_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_HOST = re.compile(r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(?:\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$")
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same bytes


def build_package(app_id: str, *, host: str | None = None, out: Path) -> Path:
    """Write the Teams app package and return its path.

    ``app_id`` is the bot's Microsoft App ID (a GUID); it becomes both the app's ``id`` and
    ``bots[0].botId``. ``host`` (a bare host name such as ``mediadesk.nhs.example``) replaces the placeholder
    host in the developer URLs and ``validDomains``. ``out`` is either the zip file to write (ending in
    ``.zip``) or a directory, in which ``mediadesk-teams.zip`` is written; missing directories are created
    and an existing file is overwritten.

    Raises ``ValueError`` for an app id that is not a GUID or a host that is not a host name, and
    ``FileNotFoundError`` when the manifest folder is missing.
    """
    app_id = _check_app_id(app_id)
    if host is not None:
        host = _check_host(host)

    manifest = _load_manifest()
    manifest["id"] = app_id
    bots = manifest.get("bots") or []
    if not bots:
        raise ValueError(f"{MANIFEST_DIR / 'manifest.json'} declares no bot")
    bots[0]["botId"] = app_id
    if host is not None and host != PLACEHOLDER_HOST:
        manifest = _replace_host(manifest, host)

    icons = manifest["icons"]
    files: dict[str, bytes] = {
        "manifest.json": (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    }
    for key in ("color", "outline"):
        name = icons[key]
        path = MANIFEST_DIR / name
        if not path.is_file():
            raise FileNotFoundError(
                f"icon {name!r} ({key}) named in the manifest is missing from {MANIFEST_DIR}"
            )
        files[Path(name).name] = path.read_bytes()

    target = Path(out)
    if target.suffix.lower() != ".zip":
        target = target / DEFAULT_ZIP_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return target


def _check_app_id(app_id: str) -> str:
    value = app_id.strip() if isinstance(app_id, str) else app_id
    if not isinstance(value, str) or not _GUID.match(value):
        raise ValueError(
            f"Teams app id must be a GUID like 0a1b2c3d-4e5f-6789-abcd-ef0123456789 "
            f"(the Microsoft App ID of the Azure Bot registration); got {app_id!r}"
        )
    if value == PLACEHOLDER_ID:
        raise ValueError(
            "Teams app id is the all-zero placeholder GUID: use the Microsoft App ID of the Azure Bot registration"
        )
    return value


def _check_host(host: str) -> str:
    value = host.strip().rstrip("/")
    if "://" in value or "/" in value or not _HOST.match(value):
        raise ValueError(
            f"host must be a bare host name such as mediadesk.example.nhs.uk (no https://, port or path); got {host!r}"
        )
    return value.lower()


def _load_manifest() -> dict[str, Any]:
    path = MANIFEST_DIR / "manifest.json"
    if not path.is_file():
        raise FileNotFoundError(f"Teams manifest not found at {path} (run from a checkout of the repository)")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold a JSON object")
    return data


def _replace_host(value: Any, host: str) -> Any:
    """Replace the placeholder host in every string (URLs and ``validDomains``), recursively."""
    if isinstance(value, str):
        return value.replace(PLACEHOLDER_HOST, host)
    if isinstance(value, list):
        return [_replace_host(v, host) for v in value]
    if isinstance(value, dict):
        return {k: _replace_host(v, host) for k, v in value.items()}
    return value
