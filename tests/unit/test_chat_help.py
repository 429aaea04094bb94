"""What Media Desk says when asked for help, or when nothing is in progress: one text for both platforms."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain import chat_help
from bot.domain.conversation import Conversation
from bot.domain.forms import Context
from bot.domain.media_call import MEDIA_CALL

LONDON = ZoneInfo("Europe/London")
CTX = Context(datetime(2026, 11, 27, 14, 5, tzinfo=LONDON), LONDON)


@pytest.mark.parametrize(("platform", "words"), [
    ("slack", ["/media-call", "/crisis", "/press-release"]),
    ("teams", ['"media call"', '"crisis"', '"press release"']),
])
def test_nothing_in_progress_names_all_three_things_to_start(platform: str, words: list[str]) -> None:
    said = chat_help.nothing_in_progress(platform)
    for word in words:
        assert word in said
    assert "journalist" in said and "crisis" in said and "press release" in said
    assert all(word in chat_help.general(platform) for word in words)


def test_help_while_asked_offers_only_the_words_that_would_work() -> None:
    conv = Conversation(form_id=MEDIA_CALL.id, platform="slack", user_id="U1")
    conv.start(MEDIA_CALL)
    assert chat_help.while_asked(MEDIA_CALL, conv) == "Help: answer the question above, or type cancel."
    conv.answer(MEDIA_CALL, "Sam Reporter", CTX)
    conv.answer(MEDIA_CALL, "Echo", CTX)
    conv.answer(MEDIA_CALL, "newspaper", CTX)
    assert chat_help.while_asked(MEDIA_CALL, conv) == "Help: answer the question above, or type back, skip or cancel."
    conv.skip(MEDIA_CALL)
    assert "skip" not in chat_help.while_asked(MEDIA_CALL, conv)  # the email is needed now


def test_the_form_names_what_is_cancelled_and_the_screen_asks_nothing_in_turn() -> None:
    assert MEDIA_CALL.noun == "media call log"
    assert "in turn" in MEDIA_CALL.intro and "in turn" not in MEDIA_CALL.screen_intro
