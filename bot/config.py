"""Configuration: deployment settings from the environment, the organisation from a TOML file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.people import Directory, Role

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class Settings(BaseSettings):
    """Everything a deployment sets through environment variables (see README, "Configuration")."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = "sqlite+aiosqlite:///./mediadesk.db"
    mediadesk_config: Path | None = None
    host: str = "127.0.0.1"
    port: int = 3978
    log_level: str = "INFO"
    outbox_tick_seconds: float = 2.0
    outbox_lease_seconds: float = 60.0

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    def slack_missing(self) -> list[str]:
        return [name for name, value in (("SLACK_BOT_TOKEN", self.slack_bot_token),
                                         ("SLACK_SIGNING_SECRET", self.slack_signing_secret)) if not value]


class OrganisationSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = "NHS Integrated Care Board"
    timezone: str = "Europe/London"
    comms_mailbox: EmailStr | None = None
    reference_prefix: str = Field(default="MC", pattern=r"^[A-Z]{1,4}$")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class SlackSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comms_channel: str | None = Field(default=None, description="channel id, e.g. C0123ABCD")


class PeopleSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comms_team: list[EmailStr] = []
    director_of_comms: list[EmailStr] = []
    sign_off_delegates: list[EmailStr] = []
    executives: list[EmailStr] = []
    on_call_directors: list[EmailStr] = []
    spokespeople: list[EmailStr] = []
    media_lead: EmailStr | None = None
    names: dict[str, str] = {}


class OrgConfig(BaseModel):
    """The TOML file (MEDIADESK_CONFIG): the organisation, its comms channel and its people by role."""

    model_config = ConfigDict(extra="forbid")
    organisation: OrganisationSection = OrganisationSection()
    slack: SlackSection = SlackSection()
    people: PeopleSection = PeopleSection()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.organisation.timezone)

    def directory(self) -> Directory:
        roles = {role: getattr(self.people, role.value) for role in Role}
        return Directory.build(roles, self.people.names)


class ConfigError(Exception):
    """The TOML file is unreadable or invalid; the message names the line."""


def load_org_config(path: Path | None) -> OrgConfig:
    """Read and validate the organisation file; no file means the embedded defaults."""
    if path is None:
        return OrgConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file ({exc.strerror})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    try:
        return OrgConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            line = _line_of(text, loc)
            where = f"line {line}" if line else "file"
            problems.append(f"{path}, {where}: {'.'.join(loc)}: {err['msg']}")
        raise ConfigError("\n".join(problems)) from exc


def _line_of(text: str, loc: list[str]) -> int | None:
    """Find the line of a validation error's key: the key inside its deepest [section], else the section."""
    if not loc:
        return None
    lines = text.splitlines()
    headers: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(lines, 1):
        stripped = raw.split("#", 1)[0].strip()
        if stripped.startswith("[") and stripped.endswith("]") and not stripped.startswith("[["):
            headers.append((number, [p.strip().strip('"') for p in stripped[1:-1].split(".")]))
    # The deepest section whose path is a prefix of the error's location.
    best: tuple[int, list[str]] | None = None
    for number, path in headers:
        if loc[: len(path)] == path and (best is None or len(path) > len(best[1])):
            best = (number, path)
    if best is None:
        return None
    start, path = best
    if len(loc) == len(path):
        return start
    key = loc[len(path)]
    for number in range(start, len(lines)):
        stripped = lines[number].split("#", 1)[0].strip()
        if stripped.startswith("["):
            break
        if stripped.split("=", 1)[0].strip().strip('"') == key:
            return number + 1
    return start
