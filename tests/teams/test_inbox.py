"""A Teams activity kept in the inbox before the bot answered counts, even when the process died before doing it.

The state a crash leaves is made exactly: the signed activity's body kept in the inbox, leased to a process that
is gone, never done. The next start finishes it through the same turn, once.
"""

from __future__ import annotations

import json

from botbuilder.schema import Activity
from sqlalchemy import select

from bot.app.server import DATABASE
from bot.ports import InboundRequest
from handlers.teams.bot import request_key
from storage.inbox_store import SqlInboxStore
from storage.models import ConversationRow
from tests.teams.conftest import StartTeams
from tests.teams.harness import STAFF, card_text, personal


async def test_an_answer_cut_off_by_a_crash_counts_after_the_restart(start_teams: StartTeams, sqlite_url: str
                                                                     ) -> None:
    teams = await start_teams()
    await teams.say("media call")
    await teams.next_card(STAFF, 0)
    await teams.settle()
    answer = teams.activity(text="Sam Reporter")

    key = request_key(Activity().deserialize(answer))
    kept = await SqlInboxStore(teams.app[DATABASE]).accept(
        InboundRequest(key, "teams", STAFF["id"], json.dumps(answer)), teams.clock.now(), 10.0)
    assert kept
    await teams.session.close()
    await teams.server.close()  # the process is gone; the activity was never done

    teams = await start_teams(database_url=sqlite_url)
    outlet = await teams.next_card(personal(STAFF), 1, timeout=15)
    assert "Which outlet" in card_text(outlet)
    async with teams.app[DATABASE].sessions() as s:
        conversation = (await s.execute(select(ConversationRow))).scalar_one()
    assert conversation.answers == {"journalist": "Sam Reporter"}

    # Teams sending the same activity again now is recognised: answered, not applied a second time.
    status, _ = await teams.post(answer)
    assert status == 201
    await teams.settle()
    assert len(teams.chat(STAFF)) == 2
