"""The media log in Slack (issue 14): the Home tab (`app_home_opened` → `views.publish`), `/media-log search`,
`/media-log export` and the Export button delivering a file through Slack's external upload; what a member of
staff, a comms officer and the Director each see."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from storage.models import HistoryRow
from tests.conformance import check_block_kit, check_view
from tests.slack import harness as h
from tests.slack.sign_off_steps import comms_card, drafted, press, ref_of

pytestmark = pytest.mark.asyncio


# --- the steps ----------------------------------------------------------------------------------------------------


async def two_cases(slack: h.SlackHarness) -> tuple[str, str]:
    """Sam's enquiry, claimed and drafted by Casey and sent for sign-off; Ollie's, still open. Their references."""
    ours = await drafted(slack)
    await press(slack, h.COMMS_A, comms_card(slack), "Request sign-off", h.COMMS_CHANNEL)
    await slack.settle()
    return ours, ref_of(await h.log_a_call(slack, h.OUTSIDER))


async def open_home(slack: h.SlackHarness, who: tuple[str, str, str]) -> dict[str, Any]:
    """`who` opens Media Desk's Home tab; the view published for them."""
    before = len([c for c in slack.fake.calls_to("views.publish") if c.args.get("user_id") == who[0]])
    event = {"type": "app_home_opened", "user": who[0], "channel": "D" + who[0], "tab": "home",
             "event_ts": slack.requests.new_ts()}
    status, _ = await slack.send(*slack.requests.event_callback(event))
    assert status == 200
    await slack.fake.wait_for("views.publish", count=before + 1, predicate=lambda c: c.args["user_id"] == who[0])
    return slack.fake.home[who[0]]


async def on_home(slack: h.SlackHarness, who: tuple[str, str, str], label: str, **kwargs: Any) -> None:
    """Press the button (or choose the option) `label` on `who`'s Home tab."""
    view = slack.fake.home[who[0]]
    action_id, value, is_select = h.find_action(view, label)
    status, _ = await slack.send(*slack.requests.block_action(
        who[0], action_id, None if is_select else value, container_type="view", view=view, view_id=view["id"],
        selected_option_value=value if is_select else None, **kwargs))
    assert status == 200


async def media_log(slack: h.SlackHarness, who: tuple[str, str, str], text: str) -> dict[str, Any]:
    """`who` types `/media-log TEXT`; the private answer (through the command's response_url)."""
    before = len(slack.fake.calls_to("response_url"))
    status, body = await slack.command(who, text, command="/media-log")
    assert status == 200 and body in ("", "{}"), body  # nothing shown in the channel
    calls = await slack.fake.wait_for("response_url", count=before + 1)
    answer = calls[-1].args
    assert answer["response_type"] == "ephemeral"
    assert check_block_kit(answer.get("blocks") or []) == []
    return answer


def said(answer: dict[str, Any]) -> str:
    return json.dumps(answer.get("blocks") or [], ensure_ascii=False) + answer.get("text", "")


def section(view: dict[str, Any], label: str) -> str:
    """The text of the desk's section whose label starts with `label` ("" when there is none)."""
    for block in view["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        if block["type"] == "section" and text.startswith(f"*{label}"):
            return text
    return ""


async def exported(slack: h.SlackHarness, who: tuple[str, str, str], count: int = 1) -> tuple[dict[str, Any], str]:
    """The `count`-th file shared in `who`'s DM: what Slack has of it, and its bytes as text."""
    files = await h.eventually(lambda: len(slack.fake.shared_files(who[0])) >= count and slack.fake.shared_files(who[0]),
                               "a file in the DM", timeout=10)
    upload = files[count - 1]
    return upload, upload["data"].decode("utf-8-sig") if upload["filename"].endswith(".csv") else ""


# --- the Home tab -------------------------------------------------------------------------------------------------


async def test_the_home_tab_shows_each_person_their_desk(slack: h.SlackHarness) -> None:
    ours, theirs = await two_cases(slack)

    staff = await open_home(slack, h.STAFF)
    assert check_view(staff) == [] and staff["type"] == "home"
    assert ours in section(staff, "Logged by you, still open (1)")
    assert theirs not in json.dumps(staff)  # Ollie's case is not Sam's to see
    assert section(staff, "Team board") == ""

    casey = await open_home(slack, h.COMMS_A)
    assert ours in section(casey, "Yours (1)")
    board = section(casey, "Team board: every open case (2)")
    assert ours in board and theirs in board

    dana = await open_home(slack, h.DIRECTOR)
    assert ours in section(dana, "Waiting for your sign-off (1)")
    assert "your sign-off as Director of Communications" in section(dana, "Waiting for your sign-off")
    assert section(dana, "Team board") == "" and section(dana, "Yours") == ""

    ollie = await open_home(slack, h.OUTSIDER)
    assert theirs in section(ollie, "Logged by you, still open (1)") and ours not in json.dumps(ollie)
    for view in (staff, casey, dana, ollie):
        assert check_view(view) == []
    h.assert_all_conformant(slack)


async def test_the_messages_tab_publishes_nothing(slack: h.SlackHarness) -> None:
    event = {"type": "app_home_opened", "user": h.STAFF[0], "channel": "D" + h.STAFF[0], "tab": "messages",
             "event_ts": slack.requests.new_ts()}
    status, _ = await slack.send(*slack.requests.event_callback(event))
    assert status == 200
    await slack.settle()
    assert slack.fake.calls_to("views.publish") == []


async def test_a_desk_with_nothing_on_it_says_so(slack: h.SlackHarness) -> None:
    view = await open_home(slack, h.STAFF)
    assert "Nothing is waiting for you" in json.dumps(view)
    assert check_view(view) == []


async def test_the_search_box_on_the_home_tab(slack: h.SlackHarness) -> None:
    ours, theirs = await two_cases(slack)
    await open_home(slack, h.COMMS_A)
    calls = len(slack.fake.calls_to("views.publish"))
    view = slack.fake.home[h.COMMS_A[0]]
    status, _ = await slack.send(*slack.requests.block_action(
        h.COMMS_A[0], "md.search", "waiting times", container_type="view", view=view, view_id=view["id"]))
    assert status == 200
    await slack.fake.wait_for("views.publish", count=calls + 1)
    found = slack.fake.home[h.COMMS_A[0]]
    assert check_view(found) == []
    text = json.dumps(found, ensure_ascii=False)
    assert "Search: waiting times" in text and ours in text and theirs in text
    assert "waiting times" in json.dumps(found["blocks"][0])  # the box keeps what was typed

    # The Search button reads the box; a word that matches nothing is answered in a sentence.
    await on_home(slack, h.COMMS_A, "Search", state_values={"md_search": {"md.search": "zebra crossings"}})
    await slack.fake.wait_for("views.publish", count=calls + 2)
    assert "Nothing in the media log matches “zebra crossings”" in json.dumps(slack.fake.home[h.COMMS_A[0]],
                                                                               ensure_ascii=False)
    await on_home(slack, h.COMMS_A, "Search", state_values={"md_search": {"md.search": ""}})
    await slack.fake.wait_for("views.publish", count=calls + 3)
    assert "Say what to look for" in json.dumps(slack.fake.home[h.COMMS_A[0]])


async def test_a_case_opened_from_the_home_tab_comes_with_its_buttons(slack: h.SlackHarness) -> None:
    ours, _ = await two_cases(slack)
    await open_home(slack, h.DIRECTOR)
    before = len(slack.dms(h.DIRECTOR))
    await on_home(slack, h.DIRECTOR, f"{ours} · BBC Essex (Sam Reporter)")
    card = await slack.next_dm(h.DIRECTOR, before)
    assert ours in h.text_of(card)
    assert check_block_kit(card["blocks"]) == []


async def test_the_home_tab_is_published_again_after_the_persons_own_click(slack: h.SlackHarness) -> None:
    card = await h.log_a_call(slack, h.STAFF)
    await open_home(slack, h.COMMS_A)
    assert section(slack.fake.home[h.COMMS_A[0]], "Yours") == ""
    calls = len(slack.fake.calls_to("views.publish"))
    await slack.click(h.COMMS_A, card, "Claim", channel=h.COMMS_CHANNEL)
    await slack.fake.wait_for("views.publish", count=calls + 1)
    assert "(1)" in section(slack.fake.home[h.COMMS_A[0]], "Yours")


# --- /media-log ----------------------------------------------------------------------------------------------------


async def test_search_answers_privately_with_what_each_person_may_see(slack: h.SlackHarness) -> None:
    ours, theirs = await two_cases(slack)
    comms = await media_log(slack, h.COMMS_A, "search waiting times")
    assert ours in said(comms) and theirs in said(comms)
    assert "awaiting sign off" in said(comms) and "Logged" in said(comms)
    director = await media_log(slack, h.DIRECTOR, "search waiting")
    assert ours in said(director) and theirs in said(director)
    staff = await media_log(slack, h.STAFF, "search waiting")
    assert ours in said(staff) and theirs not in said(staff)
    outsider = await media_log(slack, h.OUTSIDER, "search waiting")
    assert theirs in said(outsider) and ours not in said(outsider)
    filtered = await media_log(slack, h.COMMS_A, "search waiting state:open")
    assert theirs in said(filtered) and ours not in said(filtered)
    h.assert_all_conformant(slack)


@pytest.mark.parametrize(("text", "answer"), [
    ("", "/media-log search WORDS finds any case"),
    ("search", "Say what to look for"),
    ("search   ", "Say what to look for"),
    ("search waiting colour:red", "I don't know the filter “colour:”"),
    ("search waiting state:sleeping", "“sleeping” is not a state"),
    ("search waiting from:2026-02-30", "is not a date on the calendar"),
    ("search zebra crossings", "Nothing in the media log matches “zebra crossings”"),
    ("export pdf", "I can export the media log as csv or xlsx, not “pdf”"),
    ("export", "No cases match"),
    ("frobnicate", "I don't know “frobnicate” here"),
])
async def test_bad_input_is_answered_in_a_sentence(slack: h.SlackHarness, text: str, answer: str) -> None:
    reply = await media_log(slack, h.STAFF, text)
    assert answer in reply["text"], reply["text"]
    assert slack.fake.calls_to("files.completeUploadExternal") == []


async def test_nothing_found_among_a_staff_members_own_cases_says_so(slack: h.SlackHarness) -> None:
    ours, _ = await two_cases(slack)
    reply = await media_log(slack, h.OUTSIDER, f"search {ours}")
    assert reply["text"] == f"Nothing in the media log matches “{ours}” among the cases you logged. Try fewer or " \
                            "other words, or a wider period."
    assert ours in said(await media_log(slack, h.COMMS_A, f"search {ours}"))


# --- export -------------------------------------------------------------------------------------------------------


async def test_export_from_the_home_tab_delivers_the_log_into_the_dm(slack: h.SlackHarness) -> None:
    ours, theirs = await two_cases(slack)
    await open_home(slack, h.COMMS_A)
    await on_home(slack, h.COMMS_A, "Export (CSV)")
    upload, text = await exported(slack, h.COMMS_A)
    assert upload["filename"].endswith(".csv") and upload["shared"] == "D" + h.COMMS_A[0]
    assert "2 cases" in upload["title"] and "2 cases" in upload["comment"]
    lines = list(csv.DictReader(io.StringIO(text)))
    assert {line["Reference"] for line in lines} == {ours, theirs}
    assert {line["Logged by"] for line in lines} == {"Sam Staff", "Ollie Outsider"}
    # Slack's three steps, in order, each checked against the Web API description.
    steps = [c.method for c in slack.fake.calls if c.method in ("files.getUploadURLExternal", "upload",
                                                                  "files.completeUploadExternal")]
    assert steps == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    assert int(slack.fake.calls_to("files.getUploadURLExternal")[0].args["length"]) == len(upload["data"])
    slack.fake.assert_conformant()
    await slack.settle()  # the export is recorded once the file is in the DM: the listener's last step
    history = [entry for entry in await h.rows(slack.database_url, HistoryRow) if entry.event == "exported"]
    assert [(entry.actor, entry.data["rows"], entry.data["format"]) for entry in history] == [("Casey Comms", 2, "csv")]


async def test_export_by_command_as_a_workbook_for_a_member_of_staff(slack: h.SlackHarness) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    ours, _ = await two_cases(slack)
    reply = await media_log(slack, h.STAFF, "export xlsx kind:enquiry")
    assert "I've sent you the file in your direct messages" in reply["text"]
    upload, _ = await exported(slack, h.STAFF)
    assert upload["filename"].endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(upload["data"]), read_only=True)
    sheet = book.worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Reference" and [row[0] for row in values[1:]] == [ours]  # only what Sam logged
    await slack.settle()  # the export is recorded once the file is in the DM: the listener's last step
    history = [entry for entry in await h.rows(slack.database_url, HistoryRow) if entry.event == "exported"]
    assert history[-1].actor == "Sam Staff" and history[-1].data["rows"] == 1
    assert "logged by sam.staff@example.nhs.uk" in history[-1].data["filter"]


async def test_the_director_exports_everything(slack: h.SlackHarness) -> None:
    ours, theirs = await two_cases(slack)
    await media_log(slack, h.DIRECTOR, "export csv")
    _, text = await exported(slack, h.DIRECTOR)
    assert {line["Reference"] for line in csv.DictReader(io.StringIO(text))} == {ours, theirs}
