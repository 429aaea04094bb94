"""What a person sends in the playground is kept in the inbox before it is answered, as Slack and Teams requests
are: sent twice it is done once, and one a restart cut off is finished by the next start."""

from __future__ import annotations

from sqlalchemy import select

from bot.app.server import DATABASE
from bot.clock import FrozenClock
from handlers.playground.door import _activity_id, inbox_request
from handlers.playground.routes import DOOR
from storage.inbox_store import SqlInboxStore
from storage.models import ConversationRow, SeenRequestRow
from tests.playground.harness import STAFF, Pane, Playground, running_playground


def typed(text: str, client_id: str) -> dict:
    """A message as Web Chat posts it: its own id for it in channelData."""
    return {"type": "message", "text": text, "from": {"id": "pg-" + STAFF},
            "channelData": {"clientActivityID": client_id}}


def bot_cards_saying(pane: Pane, text: str) -> int:
    return sum(text in str(a.get("attachments")) for a in pane.seen.values() if a["from"]["role"] == "bot")


async def test_a_message_sent_twice_is_done_once(playground: Playground) -> None:
    sam = await playground.pane(STAFF, "chat")
    first = await sam.post(typed("media call", "wc-1"))
    await sam.card_saying("question 1 of 7")
    again = await sam.post(typed("media call", "wc-1"))  # Web Chat trying again: the same activity
    assert again == first
    await sam.post(typed("Sam Reporter", "wc-2"))
    await sam.card_saying("question 2 of 7")
    echoes = [a for a in sam.seen.values() if a["from"]["role"] == "user"]
    assert [a["text"] for a in echoes] == ["media call", "Sam Reporter"]
    assert bot_cards_saying(sam, "question 1 of 7") == 1
    assert bot_cards_saying(sam, "already had a media call log in progress") == 0
    async with playground.server.app[DATABASE].sessions() as s:
        kept = (await s.execute(select(SeenRequestRow).where(SeenRequestRow.platform == "playground"))).scalars()
        assert [(r.status, r.body) for r in kept] == [("done", None), ("done", None)]


async def test_a_message_cut_off_by_a_restart_is_finished_by_the_next_start(sqlite_url: str,
                                                                            clock: FrozenClock) -> None:
    async for playground in running_playground(sqlite_url, clock):
        sam = await playground.pane(STAFF, "chat")
        await sam.post(typed("media call", "wc-1"))
        await sam.card_saying("question 1 of 7")
        # The state a crash leaves: the answer kept in the inbox, leased to a process that is gone, never done.
        session = playground.server.app[DOOR].session(sam.token)
        assert session is not None
        echo = {"type": "message", "text": "Sam Reporter", "id": _activity_id(session, "wc-2"),
                "conversation": {"id": session.conversation_id},
                "from": {"id": STAFF, "name": "Sam Staff", "role": "user"}}
        assert await SqlInboxStore(playground.server.app[DATABASE]).accept(
            inbox_request(session, echo), clock.now(), 10.0)

    async for playground in running_playground(sqlite_url, clock):
        sam = await playground.pane(STAFF, "chat")
        await sam.card_saying("question 2 of 7")
        assert [a.get("text") for a in sam.seen.values() if a["from"]["role"] == "user"] == ["Sam Reporter"]
        # Web Chat sending it again now is recognised: answered, not applied a second time.
        await sam.post(typed("Sam Reporter", "wc-2"))
        async with playground.server.app[DATABASE].sessions() as s:
            conversation = (await s.execute(select(ConversationRow))).scalar_one()
            assert conversation.answers == {"journalist": "Sam Reporter"}
            kept = (await s.execute(select(SeenRequestRow).where(SeenRequestRow.platform == "playground"))).scalars()
            assert {r.status for r in kept} == {"done"}
        assert bot_cards_saying(sam, "question 2 of 7") == 1
