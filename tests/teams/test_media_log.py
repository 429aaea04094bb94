"""The media log in Teams (issue 14): `search WORDS`, `my work` and `export` typed in the 1:1 chat, the export
through the file consent card (accept → the bytes PUT to the upload URL → a file info card; decline → a sentence);
what a member of staff, a comms officer and the Director each see."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from storage.models import HistoryRow
from tests.fakes.bot_connector import personal
from tests.teams.harness import ANSWERS, COMMS, DIRECTOR, OUTSIDER, STAFF, Teams, card_text, inputs_of, titles

pytestmark = pytest.mark.asyncio

CONSENT = "application/vnd.microsoft.teams.card.file.consent"
INFO = "application/vnd.microsoft.teams.card.file.info"


# --- the steps ----------------------------------------------------------------------------------------------------


def ref_in(card: dict[str, Any]) -> str:
    found = re.search(r"MC-\d{4}-\d{4}", card_text(card))
    assert found, card_text(card)[:300]
    return found.group(0)


async def log_as(teams: Teams, who: dict[str, str], outlet: str) -> str:
    """`who` logs a call one question at a time; the reference of the comms channel card."""
    logged = await teams.log_a_call([ANSWERS[0], outlet, *ANSWERS[2:]], by=who)
    assert logged is not None
    return ref_in(logged[1])


async def two_cases(teams: Teams) -> tuple[str, str]:
    """Sam's enquiry, claimed and drafted by Casey and sent for sign-off; Ollie's, still open."""
    await teams.install(STAFF, COMMS, DIRECTOR, OUTSIDER)
    _, card = await teams.sent_for_sign_off()
    await teams.settle()
    return ref_in(card), await log_as(teams, OUTSIDER, "Essex Chronicle")


def texts(teams: Teams, who: dict[str, str]) -> list[str]:
    return teams.connector.texts_in(personal(who))


async def answer(teams: Teams, who: dict[str, str], text: str) -> str:
    """`who` types `text`; what the bot answers in their chat (a card's words, or a sentence)."""
    before = len([a for c, a in teams.connector.posts if c == personal(who)])
    status, _ = await teams.say(text, sender=who)
    assert status in (200, 201)
    for _ in range(400):
        posts = [a for c, a in teams.connector.posts if c == personal(who)]
        if len(posts) > before:
            post = posts[before]
            return post.get("text") or card_text([a.get("content") for a in post.get("attachments") or []])
        await teams.settle()
    raise AssertionError(f"no answer to {text!r}")


def consent_cards(teams: Teams, who: dict[str, str]) -> list[dict[str, Any]]:
    return [a for c, post in teams.connector.posts if c == personal(who) for a in post.get("attachments") or []
            if a.get("contentType") == CONSENT]


async def accept(teams: Teams, who: dict[str, str], consent: dict[str, Any], action: str = "accept"
                 ) -> dict[str, Any]:
    """`who` presses Allow (or Decline) on a file consent card: Teams sends a fileConsent/invoke."""
    info = teams.connector.upload_info(consent["name"])
    value = {"type": "fileUpload", "action": action, "uploadInfo": info,
             "context": consent["content"]["acceptContext" if action == "accept" else "declineContext"]}
    status, _ = await teams.post(teams.activity("invoke", sender=who, name="fileConsent/invoke", value=value))
    assert status == 200
    return info


def uploaded(teams: Teams, info: dict[str, Any]) -> bytes:
    session = info["uploadUrl"].rsplit("/", 1)[-1]
    data = teams.connector.uploads[session]["data"]
    assert data is not None, "nothing was uploaded"
    return data


# --- my work and search ------------------------------------------------------------------------------------------


async def test_my_work_shows_each_person_their_desk(teams: Teams) -> None:
    ours, theirs = await two_cases(teams)
    staff = await answer(teams, STAFF, "my work")
    assert "Logged by you, still open (1)" in staff and ours in staff and theirs not in staff
    assert "Team board" not in staff
    casey = await answer(teams, COMMS, "my work")
    assert "Yours (1)" in casey and "Team board: every open case (2)" in casey and theirs in casey
    dana = await answer(teams, DIRECTOR, "My work")
    assert "Waiting for your sign-off (1)" in dana and ours in dana and "Team board" not in dana
    assert "search and the words" in dana  # how to search, in Teams' words


async def test_a_case_opened_from_my_work_comes_with_its_buttons(teams: Teams) -> None:
    ours, _ = await two_cases(teams)
    await answer(teams, COMMS, "my work")
    desk = teams.chat(COMMS)[-1]
    choice = next(i for i in inputs_of(desk) if i.get("type") == "Input.ChoiceSet")
    option = next(c["value"] for c in choice["choices"] if c["title"].startswith(ours))
    before = len(teams.chat(COMMS))
    status, _ = await teams.press(desk, "Go", by=COMMS, inputs={choice["id"]: option})
    assert status == 200
    card = await teams.next_card(COMMS, before)
    assert ours in card_text(card) and "Edit draft" in titles(card)  # the owner's buttons, as on the channel card


async def test_search_shows_what_each_person_may_see(teams: Teams) -> None:
    ours, theirs = await two_cases(teams)
    casey = await answer(teams, COMMS, "search waiting times")
    assert ours in casey and theirs in casey and "awaiting sign off" in casey
    dana = await answer(teams, DIRECTOR, "search waiting")
    assert ours in dana and theirs in dana
    sam = await answer(teams, STAFF, "search waiting")
    assert ours in sam and theirs not in sam
    ollie = await answer(teams, OUTSIDER, f"search {ours}")
    assert ollie == f"Nothing in the media log matches “{ours}” among the cases you logged. Try fewer or other " \
                    "words, or a wider period."


@pytest.mark.parametrize(("text", "said"), [
    ("search", "Say what to look for"),
    ("search waiting colour:red", "I don't know the filter “colour:”"),
    ("search waiting kind:parrot", "There is no kind of case called “parrot”"),
    ("search zebra crossings", "Nothing in the media log matches “zebra crossings”"),
    ("export pdf", "I can export the media log as csv or xlsx, not “pdf”"),
    ("export", "No cases match"),
])
async def test_bad_input_is_answered_in_a_sentence(teams: Teams, text: str, said: str) -> None:
    await teams.open_chat(STAFF)
    assert said in await answer(teams, STAFF, text)
    assert consent_cards(teams, STAFF) == []


async def test_search_while_answering_questions_is_an_answer(teams: Teams) -> None:
    await teams.open_chat(STAFF)
    await teams.say("media call")
    await teams.next_card(STAFF, 0)
    said = await answer(teams, STAFF, "search results reporter")  # the journalist's name, as typed
    assert "Search:" not in said
    assert "Nothing in the media log matches “zebra”" in await answer(teams, STAFF, "/search zebra")  # a slash: a search


# --- export through the file consent card ---------------------------------------------------------------------


async def test_export_asks_first_then_uploads_the_file_and_shows_it(teams: Teams) -> None:
    ours, theirs = await two_cases(teams)
    await answer(teams, COMMS, "export csv")
    (consent,) = consent_cards(teams, COMMS)
    assert consent["name"].endswith(".csv") and consent["content"]["sizeInBytes"] > 0
    assert "2 cases" in consent["content"]["description"]
    info = await accept(teams, COMMS, consent)
    lines = list(csv.DictReader(io.StringIO(uploaded(teams, info).decode("utf-8-sig"))))
    assert {line["Reference"] for line in lines} == {ours, theirs}
    posts = [a for c, a in teams.connector.posts if c == personal(COMMS)]
    shown = [att for post in posts for att in post.get("attachments") or [] if att.get("contentType") == INFO]
    assert shown == [{"contentType": INFO, "contentUrl": info["contentUrl"], "name": info["name"],
                      "content": {"uniqueId": info["uniqueId"], "fileType": "csv"}}]
    history = [r for r in await _rows(teams) if r.event == "exported"]
    assert [(h.actor, h.data["rows"]) for h in history] == [("Casey Comms", 2)]  # once: when it was sent


async def test_a_member_of_staff_exports_only_what_they_logged(teams: Teams) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    ours, _ = await two_cases(teams)
    await answer(teams, STAFF, "export")
    (consent,) = consent_cards(teams, STAFF)
    assert consent["name"].endswith(".xlsx")
    info = await accept(teams, STAFF, consent)
    sheet = openpyxl.load_workbook(io.BytesIO(uploaded(teams, info)), read_only=True).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Reference", ours]


async def test_the_director_exports_everything_from_the_my_work_card(teams: Teams) -> None:
    ours, theirs = await two_cases(teams)
    await answer(teams, DIRECTOR, "my work")
    desk = teams.chat(DIRECTOR)[-1]
    _, body = await teams.press(desk, "Export (CSV)", by=DIRECTOR)
    assert body["value"] == "Accept the file in your chat with Media Desk and it goes to your OneDrive."
    (consent,) = consent_cards(teams, DIRECTOR)
    info = await accept(teams, DIRECTOR, consent)
    refs = {line["Reference"] for line in csv.DictReader(io.StringIO(uploaded(teams, info).decode("utf-8-sig")))}
    assert refs == {ours, theirs}


async def test_declining_the_file_sends_nothing(teams: Teams) -> None:
    await two_cases(teams)
    await answer(teams, COMMS, "export csv")
    (consent,) = consent_cards(teams, COMMS)
    info = await accept(teams, COMMS, consent, action="decline")
    assert teams.connector.uploads[info["uploadUrl"].rsplit("/", 1)[-1]]["data"] is None
    assert texts(teams, COMMS)[-1] == "All right: no file was sent. Type export whenever you want the media log."
    assert [r for r in await _rows(teams) if r.event == "exported"] == []


async def _rows(teams: Teams) -> list[HistoryRow]:
    from sqlalchemy import select

    from bot.app.server import DATABASE

    async with teams.app[DATABASE].sessions() as s:
        return list((await s.execute(select(HistoryRow).order_by(HistoryRow.id))).scalars())
