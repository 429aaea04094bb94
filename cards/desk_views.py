"""My desk and the media log's search results as neutral cards (rendered by cards/slack.py and cards/teams.py)."""

from __future__ import annotations

from bot.domain.desk import Desk, Line
from bot.domain.forms import Context
from bot.domain.media_log import CaseKind, SearchHit
from bot.domain.timefmt import describe, due
from cards.model import ActionPayload, Button, Card, Fact, Option, Select
from cards.text import truncate

SECTION_LINES = 15  # a section shows this many cases; the rest are counted ("and 12 more")
OPEN_OPTIONS = 50  # cases offered in "Open a case…" (Slack allows 100 options; Teams' card stays small)
SNIPPET_MAX = 400
MARK = "**"  # around the matched words in a search hit (storage/repositories/search.py)
PAYLOAD_KIND = {CaseKind.ENQUIRY: "enquiry", CaseKind.CRISIS: "crisis", CaseKind.PRESS_RELEASE: "press"}
SEARCH_HINT = {"slack": "Search every case, open or closed, with the box above or /media-log search WORDS.",
               "teams": "Search every case, open or closed: type search and the words (e.g. search ward closures)."}


def _desk(action: str, x: str | None = None, ref: str = "desk") -> ActionPayload:
    return ActionPayload(a=action, k="desk", id=ref, x=x)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def desk_summary(desk: Desk) -> str:
    parts = []
    if desk.mine:
        parts.append(_plural(len(desk.mine), "case") + " of yours")
    if desk.waiting:
        parts.append(_plural(len(desk.waiting), "sign-off") + " waiting for you")
    if desk.crises:
        parts.append(_plural(len(desk.crises), "crisis", "crises") + " you lead")
    if desk.logged:
        parts.append(_plural(len(desk.logged), "open case") + " you logged")
    if desk.board is not None:
        parts.append(_plural(len(desk.board), "open case") + " on the team board")
    return "Your desk: " + (", ".join(parts) if parts else "nothing is waiting for you") + "."


def _line(line: Line, ctx: Context) -> str:
    text = f"{'⚠️ ' if line.overdue else ''}{line.ref} · {truncate(line.title, 80)} · {line.state}"
    if line.due is not None:
        text += f" · {'was due' if line.overdue else 'due'} {due(line.due, ctx.now, ctx.tz)}"
    return text + (f" · {line.note}" if line.note else "")


def _section(label: str, lines: list[Line], ctx: Context, more: str) -> Fact:
    shown = [_line(line, ctx) for line in lines[:SECTION_LINES]]
    if len(lines) > SECTION_LINES:
        shown.append(f"… and {len(lines) - SECTION_LINES} more {more}")
    return Fact(label=f"{label} ({len(lines)})", value="\n".join(shown), long=True)


def _open_select(lines: list[Line]) -> list[Button | Select]:
    seen: dict[str, Line] = {}
    for line in lines:
        seen.setdefault(line.ref, line)
    options = [Option(label=truncate(f"{ln.ref} · {ln.title}", 75), payload=_desk("open", ln.kind, ln.ref))
               for ln in list(seen.values())[:OPEN_OPTIONS]]
    return [Select(placeholder="Open a case…", options=options)] if options else []


def desk_card(desk: Desk, ctx: Context, platform: str = "slack") -> Card:
    """What is waiting for this person, overdue first; for the comms team the team board too."""
    facts = []
    if desk.waiting:
        facts.append(_section("Waiting for your sign-off", desk.waiting, ctx, "(search to find them)"))
    if desk.mine:
        facts.append(_section("Yours", desk.mine, ctx, "(search to find them)"))
    if desk.crises:
        facts.append(_section("Crises you lead", desk.crises, ctx, ""))
    if desk.logged:
        facts.append(_section("Logged by you, still open", desk.logged, ctx, "(search to find them)"))
    if desk.board is not None:
        facts.append(_section("Team board: every open case", desk.board, ctx, "open cases (search to find them)"))
    everything = [*desk.waiting, *desk.mine, *desk.crises, *desk.logged, *(desk.board or [])]
    body = None if everything else ("Nothing is waiting for you: no case of yours is open and no sign-off is "
                                    "waiting for you.")
    return Card(
        title="My desk",
        text=desk_summary(desk),
        subtitle=f"As it stands {describe(ctx.now, ctx.now, ctx.tz).lower()}",
        body=body,
        facts=facts,
        notes=[SEARCH_HINT.get(platform, SEARCH_HINT["teams"]),
               "Export gives the media log as a file in your chat (everything you may see: the communications "
               "team sees every case, anyone else the cases they logged)."],
        actions=[*_open_select(everything), Button(label="Refresh", payload=_desk("refresh")),
                 Button(label="Export (Excel)", payload=_desk("export", "xlsx")),
                 Button(label="Export (CSV)", payload=_desk("export", "csv"))],
    )


def plain_snippet(snippet: str) -> str:
    """The matched passage without the engine's marks, on one line."""
    return truncate(" ".join(snippet.replace(MARK, "").split()), SNIPPET_MAX)


def search_card(words: str, hits: list[SearchHit], more: bool, ctx: Context) -> Card:
    """The cases that match, most relevant first: reference, kind, state, dates and the line that matched."""
    facts = []
    for hit in hits:
        dates = f"Logged {describe(hit.logged_at, ctx.now, ctx.tz)} · last change {describe(hit.updated_at, ctx.now, ctx.tz)}"
        lines = [dates, truncate(hit.title, 150)] if hit.title else [dates]
        if snippet := plain_snippet(hit.snippet):
            lines.append(f"“{snippet}”")
        facts.append(Fact(label=f"{hit.ref} · {hit.kind.replace('_', ' ')} · {hit.state.replace('_', ' ')}",
                          value="\n".join(lines), long=True))
    count = f"{'More than ' if more else ''}{_plural(len(hits), 'case')}"
    notes = ["More cases match than are shown: add words, or narrow it with kind:, state:, from: or to:."] if more \
        else []
    options = [Option(label=truncate(f"{h.ref} · {h.title}" if h.title else h.ref, 75),
                      payload=_desk("open", PAYLOAD_KIND[h.kind], h.ref)) for h in hits]
    return Card(title=truncate(f"Search: {words}", 140), text=f"{count} match “{truncate(words, 100)}”.",
                facts=facts, notes=notes,
                actions=[Select(placeholder="Open a case…", options=options)] if options else [])
