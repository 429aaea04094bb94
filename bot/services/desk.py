"""My desk, and the media log in the chat (issue 14): what is waiting for me, search, export into my chat.

The desk itself is bot/domain/desk.py. The same typed words work on both platforms: `search WORDS` with filters
written `kind:crisis`, `state:closed`, `owner:EMAIL`, `outlet:newspaper`, `from:2026-01-01`, `to:2026-01-31`;
`export [csv|xlsx]` with the same filters but words; `my work`. Who may see what is the media log's rule
(bot/services/media_log.py): a member of staff sees the cases they logged.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.domain.crisis import Crisis
from bot.domain.desk import Desk, build, logged_by_or_owns
from bot.domain.enquiry import Enquiry
from bot.domain.errors import UNKNOWN_BUTTON, DomainError, NotAllowed, NotFound, ValidationFailed
from bot.domain.media_log import log_filter
from bot.domain.messages import HistoryEntry
from bot.domain.people import Actor
from bot.domain.press_release import PressRelease
from bot.ports import DeskStore, MediaLog
from bot.services import media_log, viewing
from bot.services.core import Core, FileToSend, Reply
from cards import desk_views
from cards.model import ActionPayload, Card

CHAT_HITS = 10  # search results in a chat message (each its own section: well within Block Kit's 50 blocks)
CHAT_EXPORT_MOST = 200_000  # beyond this, a chat is the wrong way to get the log: the command line is
FILTERS = ("kind", "state", "owner", "outlet", "from", "to")
_FILTER = re.compile(r"^(?P<key>[A-Za-z_]+):(?P<value>.*)$")
_KIND_OF_PAYLOAD = {"enquiry": "enquiry", "crisis": "crisis", "press_release": "press"}


# --- the desk ---------------------------------------------------------------------------------------------------


def _desk_store(core: Core) -> DeskStore:
    if core.desk is None:
        raise ValidationFailed("My desk isn't available on this server.")
    return core.desk


async def my_desk(core: Core, actor: Actor) -> Desk:
    return build(await _desk_store(core).open_cases(), core.directory, actor, core.clock.now())


async def desk_reply(core: Core, actor: Actor) -> Reply:
    desk = await my_desk(core, actor)
    return Reply(text=desk_views.desk_summary(desk), card=desk_views.desk_card(desk, core.ctx(), actor.platform))


# --- what people type: search WORDS, export, my work -----------------------------------------------------------


@dataclass(frozen=True)
class Query:
    words: str = ""
    kinds: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    owner: str | None = None
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    rest: tuple[str, ...] = ()  # words that are not filters (export takes only its format)


def parse_query(text: str) -> Query:
    """Words and `name:value` filters; a filter we don't know is refused in a sentence. "10:30" is a word."""
    words: list[str] = []
    found: dict[str, list[str]] = {name: [] for name in FILTERS}
    for token in text.split():
        match = _FILTER.match(token)
        if match is None:
            words.append(token)
            continue
        key, value = match.group("key").lower(), match.group("value").strip()
        key = {"type": "outlet", "since": "from", "until": "to"}.get(key, key)
        if key not in found:
            raise ValidationFailed(f"I don't know the filter “{match.group('key')}:”. Filters are "
                                   + ", ".join(f"{name}:" for name in FILTERS)
                                   + " (for example kind:crisis from:2026-01-01).")
        if not value:
            raise ValidationFailed(f"Say what {key}: should be, with no space after the colon (e.g. "
                                   f"{_EXAMPLES[key]}).")
        found[key].append(value)
    for single in ("owner", "outlet", "from", "to"):
        if len(found[single]) > 1:
            raise ValidationFailed(f"Give {single}: once only.")
    one = {name: (values[0] if values else None) for name, values in found.items()}
    return Query(" ".join(words), tuple(found["kind"]), tuple(found["state"]), one["owner"], one["outlet"],
                 one["from"], one["to"], tuple(words))


_EXAMPLES = {"kind": "kind:crisis", "state": "state:closed", "owner": "owner:jane.smith@nhs.net",
             "outlet": "outlet:newspaper", "from": "from:2026-01-01", "to": "to:2026-01-31"}

SEARCH_HELP = ("Say what to look for: a word of the enquiry or statement, an outlet, a journalist or a reference, "
               "e.g. {command} ward closures. Narrow it with kind:, state:, owner:, outlet:, from: or to: "
               "(e.g. kind:enquiry from:2026-01-01).")


def _log(core: Core) -> MediaLog:
    if core.media_log is None:
        raise ValidationFailed("The media log isn't available on this server.")
    return core.media_log


async def search(core: Core, actor: Actor, text: str, *, command: str = "search") -> Reply:
    """The cases matching what was typed, as this person may see them; bad input answered in a sentence."""
    query = parse_query(text)
    if not query.words.strip():
        raise ValidationFailed(SEARCH_HELP.format(command=command))
    hits = await media_log.search(_log(core), core.directory, actor, query.words, core.tz, kinds=query.kinds,
                                  states=query.states, owner=query.owner, outlet_type=query.outlet,
                                  date_from=query.date_from, date_to=query.date_to, limit=CHAT_HITS + 1,
                                  uow=core.uow, now=core.clock.now())  # searches are recorded (issue 15)
    if not hits:
        scope = "" if core.directory.has(actor, *media_log.SEES_EVERYTHING) else " among the cases you logged"
        return Reply(text=f"Nothing in the media log matches “{query.words}”{scope}. Try fewer or other words, "
                          "or a wider period.")
    more = len(hits) > CHAT_HITS
    card = desk_views.search_card(query.words, hits[:CHAT_HITS], more, core.ctx())
    return Reply(text=card.text, card=card)


def _export_words(query: Query) -> str:
    formats = [w.lower() for w in query.rest]
    unknown = [w for w in formats if w not in media_log.FORMATS]
    if unknown:
        raise ValidationFailed(f"I can export the media log as {' or '.join(media_log.FORMATS)}, not "
                               f"“{' '.join(unknown)}”. Narrow it with kind:, from: or to: "
                               "(e.g. export xlsx from:2026-01-01).")
    if len(set(formats)) > 1:
        raise ValidationFailed("Choose one format: csv or xlsx.")
    if query.states or query.owner or query.outlet:
        raise ValidationFailed("An export takes kind:, from: and to: only (every state, owner and outlet is in it).")
    return formats[0] if formats else "xlsx"


async def export(core: Core, actor: Actor, text: str) -> Reply:
    """The media log as this person may see it, written to a file for their chat. It goes in the history once the
    platform has delivered it (`delivered`): Teams writes it once to say how big it is, and again when the person
    accepts it."""
    query = parse_query(text)
    fmt = _export_words(query)
    log, now = _log(core), core.clock.now()
    where = media_log.visible(core.directory, actor, log_filter(core.tz, kinds=query.kinds, date_from=query.date_from,
                                                                   date_to=query.date_to))
    total = await log.count(where)
    if total > CHAT_EXPORT_MOST:
        raise ValidationFailed(f"{total:,} cases match: too many to send in a chat. Choose a shorter period with "
                               "from: and to:, or ask whoever runs Media Desk for mediadesk export.")
    folder = Path(tempfile.mkdtemp(prefix="mediadesk-export-"))
    out = folder / f"media-log-{now.astimezone(core.tz):%Y-%m-%d}.{fmt}"
    try:
        rows = await media_log.export(log, core.directory, actor, out, fmt, core.tz, now, kinds=query.kinds,
                                      date_from=query.date_from, date_to=query.date_to)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    title = f"The media log: {where.describe()} ({rows:,} case{'s' if rows != 1 else ''})"
    file = FileToSend(out, title, rows, " ".join(["export", fmt, *_filter_words(query)]), where.describe(),
                      actor)
    return Reply(text=f"Here is the media log you asked for: {rows:,} case{'s' if rows != 1 else ''}, "
                      f"as {fmt.upper()}.", file=file)


async def delivered(core: Core, file: FileToSend) -> None:
    """The export reached the person's chat: who, which filter, how many rows go in the history (as at the command
    line)."""
    actor = file.actor
    assert actor is not None
    async with core.uow() as uow:
        await uow.history.append(HistoryEntry(
            case_ref=media_log.EXPORT_REF, at=core.clock.now(), event="exported", actor=actor.label,
            actor_email=actor.email, data={"format": file.path.suffix.lstrip("."), "filter": file.filter,
                                           "rows": file.rows, "file": file.name, "platform": actor.platform}))
        await uow.commit()


def _filter_words(query: Query) -> list[str]:
    words = [f"kind:{k}" for k in query.kinds]
    words += [f"from:{query.date_from}"] if query.date_from else []
    return words + ([f"to:{query.date_to}"] if query.date_to else [])


COMMAND_HELP = ("/media-log search WORDS finds any case, open or closed (narrow it with kind:, state:, owner:, "
                "outlet:, from: or to:); /media-log export [csv|xlsx] sends you the log as a file (kind:, from:, "
                "to: too); /media-log desk shows what is waiting for you (as does the Home tab).")


async def command(core: Core, actor: Actor, text: str, request_key: str) -> Reply:
    """/media-log on Slack: search, export, desk, or a short help."""
    verb, _, rest = text.strip().partition(" ")
    match verb.lower():
        case "":
            return Reply(text=COMMAND_HELP)
        case "help":
            return Reply(text=COMMAND_HELP)
        case "search" | "find":
            return await search(core, actor, rest, command="/media-log search")
        case "export":
            return await export(core, actor, rest)
        case "desk" | "home" | "mine" | "work":
            return await desk_reply(core, actor)
    raise ValidationFailed(f"I don't know “{verb}” here. {COMMAND_HELP}")


_CHAT = re.compile(r"^(?P<slash>/)?(?P<verb>search|find|export|my work|my desk)(?:\s+(?P<rest>.*))?$",
                   re.IGNORECASE | re.DOTALL)


async def typed(core: Core, actor: Actor, text: str, request_key: str) -> Reply | None:
    """`search WORDS`, `my work` or `export` typed in a chat with Media Desk; None when it is something else.
    While questions are being asked, the words are an answer (unless typed with a slash: /search …)."""
    match = _CHAT.match(" ".join(text.split()))
    if match is None:
        return None
    verb, rest = match.group("verb").lower(), (match.group("rest") or "").strip()
    if verb.startswith("my") and rest:
        return None  # "my work is …": an answer, not a request
    if not match.group("slash"):
        async with core.uow() as uow:
            if await uow.conversations.active_for(actor.platform, actor.user_id) is not None:
                return None
    if verb in ("search", "find"):
        return await search(core, actor, rest)
    if verb == "export":
        return await export(core, actor, rest)
    return await desk_reply(core, actor)


# --- the desk's buttons ----------------------------------------------------------------------------------------


async def press(core: Core, actor: Actor, payload: ActionPayload, request_key: str) -> Reply:
    """A button on a desk or a list of results: open a case, export, refresh."""
    match payload.a:
        case "open":
            return await open_case(core, actor, payload.x or "", payload.id)
        case "export":
            return await export(core, actor, payload.x or "")
        case "refresh":
            return await desk_reply(core, actor)
        case "search":
            return await search(core, actor, payload.x or "")
    raise ValidationFailed(UNKNOWN_BUTTON)


async def open_case(core: Core, actor: Actor, kind: str, ref: str) -> Reply:
    """A case's card for this person alone, with the buttons they may press (a member of staff: only a case they
    logged)."""
    if kind not in _KIND_OF_PAYLOAD.values():
        raise ValidationFailed(UNKNOWN_BUTTON)
    async with core.uow() as uow:
        case: Enquiry | Crisis | PressRelease | None = (
            await uow.enquiries.get(ref) if kind == "enquiry" else
            await uow.crises.get(ref) if kind == "crisis" else await uow.press_releases.get(ref))
    if case is None:
        raise NotFound(f"There is no case {ref}.")
    if not core.directory.roles_of(actor.email) and not logged_by_or_owns(case, actor):
        raise NotAllowed("Only the communications team, its approvers and the person who logged a case can open it.")
    card = await viewing.card_for(core, actor, ActionPayload(a="view", k=kind, id=ref))  # type: ignore[arg-type]
    if card is None:
        raise NotFound(f"There is no case {ref}.")
    return Reply(text=f"{ref}: {card.title}", card=card.model_copy(update={"view": None}))


# --- Slack's Home tab ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Home:
    """The Home tab: the desk, and what the search box found (or why it found nothing)."""

    desk: Card
    found: Card | None = None
    notice: str | None = None
    words: str = ""


async def home(core: Core, actor: Actor, words: str | None = None) -> Home:
    shown = await desk_reply(core, actor)
    assert shown.card is not None
    if words is None:
        return Home(shown.card)
    try:
        found = await search(core, actor, words, command="/media-log search")
    except DomainError as exc:
        return Home(shown.card, notice=exc.message, words=words)
    return Home(shown.card, found.card, None if found.card else found.text, words)
