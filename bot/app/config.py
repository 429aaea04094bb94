"""Configuration: deployment settings from the environment, the organisation from a TOML file."""

from __future__ import annotations

import ipaddress
import sys
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.foi import STAFF, FoiPolicy
from bot.domain.nudges import NudgePolicy
from bot.domain.office_hours import OfficeHours, Override, Rota
from bot.domain.people import Directory, Role
from bot.domain.press_release import PressState, PressTimings
from bot.domain.retention import CLASSES, RetentionClass, RetentionPolicy

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
    outbox_lease_seconds: float = 10.0  # renewed every third of it while a live process works on a message
    nudge_tick_seconds: float = 1.0  # an idle tick costs ~2 ms; a burst waits at most this for its first batch
    microsoft_app_id: str | None = None
    microsoft_app_password: str | None = None
    microsoft_app_tenant_id: str | None = None
    microsoft_app_type: Literal["SingleTenant", "MultiTenant", "UserAssignedMSI"] = "SingleTenant"
    # Overrides for tests and sovereign clouds only; leave unset for the public Azure cloud.
    # MICROSOFT_OPENID_METADATA_URL: where the Bot Framework's token signing keys are published
    # (botbuilder's TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL).
    microsoft_openid_metadata_url: str | None = None
    # MICROSOFT_LOGIN_URL: the login authority the bot gets its own tokens from, without the tenant
    # (botbuilder's TO_CHANNEL_FROM_BOT_LOGIN_URL; default https://login.microsoftonline.com).
    microsoft_login_url: str | None = None
    # The local playground (Web Chat in a browser): on by itself when no credentials are set and HOST is loopback.
    mediadesk_playground: Literal["auto", "off"] = "auto"
    # Web Chat's self-contained bundle, fetched by scripts/setup (default: <venv>/share/mediadesk/webchat.js).
    mediadesk_webchat_js: Path | None = None

    @property
    def webchat_js(self) -> Path:
        return self.mediadesk_webchat_js or Path(sys.prefix) / "share" / "mediadesk" / "webchat.js"

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def teams_enabled(self) -> bool:
        return bool(self.microsoft_app_id)

    @property
    def chat_platforms(self) -> tuple[str, ...]:
        """The chat platforms this deployment is connected to."""
        return tuple(name for name, on in (("slack", self.slack_enabled), ("teams", self.teams_enabled)) if on)

    def teams_problems(self) -> list[str]:
        """A Teams configuration that would run unauthenticated is refused (botbuilder treats an empty app
        id as "authentication disabled", which would let anyone act as anyone)."""
        given = {"MICROSOFT_APP_ID": self.microsoft_app_id, "MICROSOFT_APP_PASSWORD": self.microsoft_app_password,
                 "MICROSOFT_APP_TENANT_ID": self.microsoft_app_tenant_id}
        if not any(given.values()):
            return []
        missing = [name for name, value in given.items() if not value]
        if self.microsoft_app_type == "UserAssignedMSI" and missing == ["MICROSOFT_APP_PASSWORD"]:
            return []
        return [f"Teams is half configured: {', '.join(missing)} missing. Set MICROSOFT_APP_ID, "
                "MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID together (see README, 'Connect Microsoft "
                "Teams'), or none of them to run without Teams."] if missing else []

    def slack_missing(self) -> list[str]:
        return [name for name, value in (("SLACK_BOT_TOKEN", self.slack_bot_token),
                                         ("SLACK_SIGNING_SECRET", self.slack_signing_secret)) if not value]


def playground_problem(settings: Settings) -> str | None:
    """Why the playground is off, or None when it is on."""
    if settings.mediadesk_playground == "off":
        return "MEDIADESK_PLAYGROUND=off"
    if settings.slack_enabled or settings.teams_enabled:
        return "Slack or Teams credentials are set (the playground is for trying Media Desk without them)"
    if not _is_loopback(settings.host):
        return f"HOST={settings.host} is not a loopback address (the playground is never served to a network)"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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


class TeamsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comms_channel: str | None = Field(default=None, description="channel id, e.g. 19:abc…@thread.tacv2")


class PeopleSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comms_team: list[EmailStr] = []
    director_of_comms: list[EmailStr] = []
    sign_off_delegates: list[EmailStr] = []
    executives: list[EmailStr] = []
    on_call_directors: list[EmailStr] = []
    spokespeople: list[EmailStr] = []
    heads_of_department: list[EmailStr] = []
    records_managers: list[EmailStr] = []  # besides the Director: decide retention and place legal holds
    media_lead: EmailStr | None = None
    names: dict[str, str] = {}


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAYS: tuple[Weekday, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                  "sunday")


class OfficeHoursSection(BaseModel):
    """The press office's hours (policy: Monday to Friday, 8am to 6pm, not bank holidays)."""

    model_config = ConfigDict(extra="forbid")
    opens: time = time(8, 0)
    closes: time = time(18, 0)
    days: list[Weekday] = list(_WEEKDAYS[:5])
    bank_holidays: str = Field(default="GB-ENG", pattern=r"^[A-Z]{2}(-[A-Z]{2,3})?$",
                               description="country and subdivision for the holidays library")
    closures: list[date] = []

    def hours(self, tz: ZoneInfo) -> OfficeHours:
        country, _, subdivision = self.bank_holidays.partition("-")
        return OfficeHours(tz=tz, opens=self.opens, closes=self.closes,
                           weekdays=frozenset(_WEEKDAYS.index(d) for d in self.days), country=country,
                           subdivision=subdivision or None, closures=frozenset(self.closures))


class OverrideEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: datetime
    end: datetime
    email: EmailStr


class OnCallSection(BaseModel):
    """The out-of-hours rota: a weekly rotation (by default [people] on_call_directors), overrides, deputies."""

    model_config = ConfigDict(extra="forbid")
    rotation: list[EmailStr] = []
    rotation_start: datetime = datetime(2026, 1, 5, 8, 0)  # a Monday handover, local time
    overrides: list[OverrideEntry] = []
    deputies: list[EmailStr] = []
    acknowledge_minutes: int = Field(default=15, ge=1, le=240)
    training_url: str | None = None
    contacts: str | None = None  # who the on-call director can ring (shown with the guidance)


class NudgesSection(BaseModel):
    """When the bot chases (minutes)."""

    model_config = ConfigDict(extra="forbid")
    unclaimed_after: int = Field(default=15, ge=1)
    unclaimed_repeat: int = Field(default=15, ge=1)
    unclaimed_escalate_after: int = Field(default=2, ge=1)
    owner_minutes_before: list[int] = [60, 15]
    owner_half_time: bool = True
    sign_off_after: int = Field(default=20, ge=1)
    sign_off_repeat: int = Field(default=20, ge=1)
    sign_off_escalate_after: int = Field(default=2, ge=1)
    snooze: int = Field(default=30, ge=1)

    def policy(self, acknowledge_minutes: int) -> NudgePolicy:
        m = lambda n: timedelta(minutes=n)  # noqa: E731
        return NudgePolicy(
            unclaimed_after=m(self.unclaimed_after), unclaimed_repeat=m(self.unclaimed_repeat),
            unclaimed_escalate_after=self.unclaimed_escalate_after,
            owner_before=tuple(m(n) for n in sorted(self.owner_minutes_before, reverse=True)),
            owner_half_time=self.owner_half_time, sign_off_after=m(self.sign_off_after),
            sign_off_repeat=m(self.sign_off_repeat), sign_off_escalate_after=self.sign_off_escalate_after,
            on_call_ack=m(acknowledge_minutes), snooze=m(self.snooze))


class CrisisSection(BaseModel):
    """Crises are chased in minutes, not hours."""

    model_config = ConfigDict(extra="forbid")
    acknowledge_minutes: int = Field(default=5, ge=1)
    sign_off_minutes: int = Field(default=10, ge=1)


class PressReleasesSection(BaseModel):
    """How long each press-release stage may take before its holder is chased (Appendices D and E)."""

    model_config = ConfigDict(extra="forbid")
    proactive_days: dict[PressState, float] = Field(default={}, description="stage -> days, e.g. first_draft = 2")
    reactive_hours: dict[PressState, float] = Field(default={}, description="stage -> hours, e.g. deciding = 2")
    proactive_repeat_hours: float = Field(default=24, gt=0)
    reactive_repeat_hours: float = Field(default=2, gt=0)

    @field_validator("proactive_days", "reactive_hours")
    @classmethod
    def _positive(cls, value: dict[PressState, float]) -> dict[PressState, float]:
        if bad := [str(k) for k, v in value.items() if v <= 0]:
            raise ValueError(f"stage times must be more than 0 ({', '.join(bad)})")
        return value

    def timings(self) -> PressTimings:
        """The defaults, with this file's stage times laid over them."""
        base = PressTimings()
        return PressTimings(
            proactive={**base.proactive, **{s: timedelta(days=d) for s, d in self.proactive_days.items()}},
            reactive={**base.reactive, **{s: timedelta(hours=h) for s, h in self.reactive_hours.items()}},
            proactive_repeat=timedelta(hours=self.proactive_repeat_hours),
            reactive_repeat=timedelta(hours=self.reactive_repeat_hours))


class FoiSection(BaseModel):
    """An export for a Freedom of Information answer (`mediadesk export --foi`): who may be named in it."""

    model_config = ConfigDict(extra="forbid")
    named_staff: list[EmailStr] = Field(default=[], description="senior staff whose names may be published")
    journalist_names: bool = True  # journalists' names stay (their published bylines); false shows "Journalist"
    role_names: dict[Role, str] = Field(default={}, description="role -> how it is shown, e.g. comms_team = ...")
    staff_label: str = Field(default=STAFF, min_length=1)  # anyone with none of the roles

    def policy(self, directory: Directory) -> FoiPolicy:
        return FoiPolicy.build(directory, self.named_staff, journalist_names=self.journalist_names,
                               role_names=self.role_names, staff_label=self.staff_label)


def _years(cls: RetentionClass) -> int:
    return Field(default=CLASSES[cls].default_years, ge=1, le=100)


class RetentionSection(BaseModel):
    """Years a closed case is kept before it comes up for appraisal, by class (bot/domain/retention.py; the
    defaults are the Records Management Code of Practice's, README "Records and data protection")."""

    model_config = ConfigDict(extra="forbid")
    corporate_communications_years: int = _years(RetentionClass.CORPORATE_COMMUNICATIONS)
    media_enquiry_years: int = _years(RetentionClass.MEDIA_ENQUIRY)
    serious_incident_years: int = _years(RetentionClass.SERIOUS_INCIDENT)

    def policy(self) -> RetentionPolicy:
        return RetentionPolicy({cls: getattr(self, f"{cls.value}_years") for cls in RetentionClass})


class OrgConfig(BaseModel):
    """The TOML file (MEDIADESK_CONFIG): the organisation, its comms channel and its people by role."""

    model_config = ConfigDict(extra="forbid")
    organisation: OrganisationSection = OrganisationSection()
    slack: SlackSection = SlackSection()
    teams: TeamsSection = TeamsSection()
    people: PeopleSection = PeopleSection()
    office_hours: OfficeHoursSection = OfficeHoursSection()
    on_call: OnCallSection = OnCallSection()
    nudges: NudgesSection = NudgesSection()
    crisis: CrisisSection = CrisisSection()
    press_releases: PressReleasesSection = PressReleasesSection()
    foi: FoiSection = FoiSection()
    retention: RetentionSection = RetentionSection()

    def rota(self) -> Rota:
        tz = self.tz
        aware = lambda d: d if d.tzinfo else d.replace(tzinfo=tz)  # noqa: E731 - local unless a zone is given
        return Rota(
            rotation=[e.lower() for e in (self.on_call.rotation or self.people.on_call_directors)],
            starts=aware(self.on_call.rotation_start),
            overrides=[Override(aware(o.start), aware(o.end), o.email.lower()) for o in self.on_call.overrides],
            deputies=[e.lower() for e in self.on_call.deputies],
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.organisation.timezone)

    def directory(self) -> Directory:
        roles = {role: getattr(self.people, role.value) for role in Role}
        return Directory.build(roles, self.people.names)

    def role_gaps(self) -> list[str]:
        """What a flow can't do because [people] names nobody in a role it needs, one sentence each."""
        p, gaps = self.people, []
        if not p.comms_team:
            gaps.append("comms_team is empty: nobody can claim a media enquiry or lead a crisis")
        if not p.director_of_comms and not p.sign_off_delegates:
            gaps.append("director_of_comms and sign_off_delegates are empty: nobody can sign off a statement, a "
                        "crisis holding line or a press release")
        if not p.heads_of_department:
            gaps.append("heads_of_department is empty: the crisis holding line cannot name a head of department "
                        "(their email has to be typed each time)")
        if not p.executives:
            gaps.append("executives is empty: a statement or reactive press release that needs executive sign-off "
                        "cannot name an executive (their email has to be typed each time)")
        if not p.spokespeople:
            gaps.append("spokespeople is empty: a draft response can only be a written statement")
        if not p.on_call_directors and not self.on_call.rotation:
            gaps.append("on_call_directors is empty (and so is [on_call] rotation): out of hours nobody is told of "
                        "a new media enquiry or crisis")
        return gaps


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
