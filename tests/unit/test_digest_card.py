"""The digest of unclaimed reminders (cards/reminder_views.py) at its largest, with the longest outlets people can
type: it must fit Slack's Block Kit limits and be a valid Adaptive Card for Teams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.enquiry import Enquiry
from bot.domain.forms import Context
from bot.domain.media_call import MEDIA_CALL
from bot.domain.people import Person
from cards import reminder_views
from cards.model import ActionPayload
from cards.slack import render_message
from cards.teams import card_bytes, render_card
from tests.adaptive import validate_adaptive_card
from tests.conformance import check_block_kit

NOW = datetime(2026, 11, 27, 14, 20, tzinfo=UTC)
CTX = Context(now=NOW, tz=ZoneInfo("Europe/London"))
LONGEST_OUTLET = ("<!channel> *Evening* _Gazette_ & <https://x.example|link> " * 10)[:MEDIA_CALL.field("outlet").max_len]


def enquiry(n: int, outlet: str) -> Enquiry:
    return Enquiry(ref=f"MC-2026-{n:04d}", journalist="Jo Reporter", outlet=outlet, outlet_kind="newspaper",
                   phone=None, email=None, summary="Waiting times", deadline=NOW + timedelta(hours=3),
                   reporter=Person("Sam Staff", "sam.staff@example.nhs.uk", "slack", "U_STAFF"),
                   created_at=NOW - timedelta(minutes=15))


@pytest.mark.parametrize("outlet", ["BBC Essex", LONGEST_OUTLET], ids=["short", "longest"])
@pytest.mark.parametrize("count", [2, reminder_views.DIGEST_MAX])
def test_a_full_digest_fits_slack_and_teams(outlet: str, count: int) -> None:
    cases = [enquiry(n, outlet) for n in range(1, count + 1)]
    card = reminder_views.unclaimed_digest_card([reminder_views.unclaimed_digest_line(e, CTX) for e in cases])

    assert card.title == f"Still unclaimed: {count} media enquiries"
    assert [b.label for b in card.actions] == [f"Claim {e.ref}" for e in cases]
    assert [b.payload for b in card.actions] == [ActionPayload(a="claim", k="enquiry", id=e.ref, v=1) for e in cases]
    assert all("Today 17:20 (in 3 hours)" in f.value and "waiting 15 minutes" in f.value for f in card.facts)

    message = render_message(card)
    assert check_block_kit(message["blocks"]) == []
    assert "<!channel>" not in message["text"] and len(message["text"]) <= 3000
    assert sum(len(b.get("elements", [])) for b in message["blocks"] if b["type"] == "actions") == count

    teams = render_card(card)
    assert validate_adaptive_card(teams) == []
    assert card_bytes(teams) <= 25_000
    assert all(e.ref in str(teams) for e in cases)  # every enquiry is listed, and claimable, on Teams too
