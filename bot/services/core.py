"""What every use case needs, passed in explicitly (no globals)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.domain.forms import Context
from bot.domain.messages import HistoryEntry
from bot.domain.nudges import NudgePolicy
from bot.domain.office_hours import OfficeHours, Rota
from bot.domain.people import Actor, Directory
from bot.domain.press_release import PressTimings
from bot.ports import DeskStore, InboxStore, MediaLog, UnitOfWork
from cards.model import Card


@dataclass(frozen=True)
class Core:
    uow: Callable[[], UnitOfWork]
    clock: Clock
    directory: Directory
    tz: ZoneInfo
    ref_prefix: str = "MC"
    media_lead: str | None = None  # email of the contact name given on statements by default
    hours: OfficeHours | None = None  # None: always open (no out-of-hours routing)
    rota: Rota | None = None
    policy: NudgePolicy = field(default_factory=NudgePolicy)
    training_url: str | None = None
    on_call_contacts: str | None = None
    crisis_ack: timedelta = timedelta(minutes=5)  # chase a crisis nobody has taken on, every this often
    crisis_sign_off: timedelta = timedelta(minutes=10)  # chase a holding line's approvers
    press: PressTimings = field(default_factory=PressTimings)  # how long each press-release stage may take
    inbox: InboxStore | None = None  # requests kept before the platform is answered (None: not kept)
    chat_platforms: tuple[str, ...] = ()  # where the Director gets messages that belong to no case
    media_log: MediaLog | None = None  # search and export of every case (None: not offered)
    desk: DeskStore | None = None  # the open cases "my desk" is made of (None: not offered)

    def is_open(self, when: datetime) -> bool:
        return self.hours is None or self.hours.is_open(when)

    def next_open(self, when: datetime) -> datetime:
        return when if self.hours is None else self.hours.next_open(when)
    def ctx(self) -> Context:
        return Context(now=self.clock.now(), tz=self.tz,
                       closed=self.hours.closed_reason if self.hours is not None else None)


@dataclass(frozen=True)
class ModalRequest:
    """Ask the platform to show a form on one screen (needs the click's trigger, so the handler does it).

    `meta` comes back with the submission: what the form is about (a conversation, a case and version).
    """

    form_id: str
    meta: dict[str, Any]
    values: dict[str, Any]


@dataclass(frozen=True)
class FileToSend:
    """A file written for the person who asked (an export of the media log), for the platform to deliver into their
    chat; `discard()` once delivered (or not)."""

    path: Path
    title: str  # what the file is, in words
    rows: int
    request: str  # the words that make it again (Teams writes it afresh once the person accepts it)
    filter: str = ""  # which cases, in words (for the history of exports)
    actor: Actor | None = None  # whom it is for

    @property
    def name(self) -> str:
        return self.path.name

    def discard(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)  # the file's own temporary folder


@dataclass(frozen=True)
class Reply:
    """What the person who acted sees straight away, privately. Empty text means nothing to say."""

    text: str = ""
    card: Card | None = None
    modal: ModalRequest | None = None
    errors: dict[str, str] | None = None  # inline errors for a one-screen form
    file: FileToSend | None = None  # a file to deliver into the person's chat, with `text` as its message


def record(case_ref: str, at: datetime, event: str, actor: Actor, **data: Any) -> HistoryEntry:
    return HistoryEntry(case_ref=case_ref, at=at, event=event, actor=actor.label, actor_email=actor.email,
                        data={"platform": actor.platform, "user_id": actor.user_id, **data})
