"""The one-screen forms of a press release's workflow: deciding, details, versions, amends, sign-off, issue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.forms import Choice, Field, Form, Kind, Rule, one_box
from bot.domain.people import Directory, Role
from bot.domain.press_release.guidance import ONE_SET
from bot.domain.press_release.model import Outcome
from bot.domain.role_fields import person_field

OUTCOMES = (Choice(Outcome.RELEASE.value, "A press release"), Choice(Outcome.STATEMENT.value, "A statement only"),
            Choice(Outcome.NOTHING.value, "Nothing: no response needed"))


def _named_unless_nothing(answers: Mapping[str, Any]) -> str | None:
    if answers.get("outcome") in (Outcome.RELEASE.value, Outcome.STATEMENT.value) and not answers.get("in_name_of"):
        return "Say whose name it goes out in."
    return None


def _text_or_link(answers: Mapping[str, Any]) -> str | None:
    if not answers.get("text") and not answers.get("link"):
        return "Give the text, a link to the working document, or both."
    return None


def decide_form(directory: Directory) -> Form:
    fields = [
        Field("outcome", "Response", "Is a release needed?", Kind.CHOICE, choices=OUTCOMES,
              help="Appendix E: comms assess whether a release is required."),
        Field("in_name_of", "In whose name", "Whose name does it go out in?", optional=True, max_len=200,
              placeholder="e.g. Dana Director, Director of Communications",
              help="The person providing the information, or a senior spokesperson such as the Director of "
                   "Communications or an executive."),
    ]
    fields.append(person_field(directory, Role.EXECUTIVE, "executive", "Executive sign-off",
                               "Which executive signs it off with the Director?", optional=True,
                               help="Escalated to executives as appropriate (Appendix E)."))
    fields.append(Field("note", "Why", "Anything to record about the decision", Kind.LONG_TEXT, optional=True,
                        max_len=1000))
    return Form(id="press_decide", title="How to respond", intro="Record how comms will respond.", outro="",
                submit_label="Record decision", fields=tuple(fields),
                rules=(Rule(("in_name_of",), _named_unless_nothing),))


DETAILS_FORM = Form(
    id="press_details", title="Release details", submit_label="Save", outro="",
    intro="What comms agreed with the project lead. Partners sign off through comms; people quoted with an email "
          "approve their own quote in Media Desk.",
    fields=(
        Field("project_lead", "Project lead", "Project lead's email", Kind.EMAIL, optional=True, max_len=254),
        Field("partners", "Partners to sign off", "Partner organisations, one per line", Kind.LONG_TEXT,
              optional=True, max_len=1000, placeholder="Essex County Council"),
        Field("quoted", "People quoted", "People quoted, one per line: name, email", Kind.LONG_TEXT, optional=True,
              max_len=1000, placeholder="Dana Director, dana.director@nhs.net"),
        Field("preferred_date", "Preferred date", "Planned date to issue", Kind.DEADLINE, optional=True,
              max_len=100),
        Field("embargo", "Embargo", "Embargoed until", Kind.DEADLINE, optional=True, max_len=100,
              help="It can't be marked as issued before this unless the Director of Communications overrides."),
    ),
)

DRAFT_FORM = Form(
    id="press_draft", title="Save a version", submit_label="Save version", outro="",
    intro="Each version gets a fingerprint; every sign-off binds to the version it approved.",
    fields=(
        Field("text", "Text", "The release", Kind.LONG_TEXT, optional=True, max_len=3000),
        Field("link", "Working document", "Link to the working document", optional=True, max_len=500,
              placeholder="https://…"),
        Field("note", "What changed", "What changed in this version", optional=True, max_len=500),
    ),
    rules=(Rule(("text", "link"), _text_or_link),),
)

AMENDS_FORM = Form(
    id="press_amends", title="Send amendments", submit_label="Send to comms", outro="",
    intro=ONE_SET + " Once sent, this round's amendments are closed.",
    fields=(Field("amends", "Collated amendments", "Your team's amendments, in one set", Kind.LONG_TEXT,
                  max_len=3000),),
)

INVITE_FORM = Form(
    id="press_invite", title="Ask your team to comment", submit_label="Ask them", outro="",
    intro="They will see the draft and can send their comments to you (not to comms): you collate them into one set.",
    fields=(Field("emails", "Team members", "Their emails, one per line", Kind.LONG_TEXT, max_len=2000),),
)

TEAM_COMMENT_FORM = one_box(
    "press_team_comment", "Comments for the project lead", "Send to the project lead",
    "Your comments go to the project lead, who sends comms one collated set.",
    "Comments", "Your comments on the draft")

CHANGE_FORM = one_box(
    "press_change", "Ask for a change", "Send to comms",
    "Comms will make a new version; every sign-off after a change starts again on the new version.",
    "What should change", "What should change?")

RECORD_FORM = Form(
    id="press_record", title="Record a sign-off", submit_label="Record sign-off", outro="",
    intro="Record that they agreed this exact version (comms liaise with partners' comms teams).",
    fields=(Field("who", "Who agreed it", "Name and role of who agreed it", max_len=300),),
)

EMBARGO_FORM = Form(
    id="press_embargo", title="Override the embargo", submit_label="Override", outro="",
    intro="Only the Director of Communications can allow issuing before the embargo. It is recorded.",
    fields=(Field("reason", "Reason", "Why may it go out before the embargo?", Kind.LONG_TEXT, max_len=1000),),
)

CHANNELS = (Choice("media", "Media distribution list"), Choice("website", "ICB website"),
            Choice("social", "Social media"), Choice("partners", "Partners and stakeholders"),
            Choice("staff", "Staff bulletin"))

ISSUE_FORM = Form(
    id="press_issue", title="Mark as issued", submit_label="Mark as issued", outro="",
    intro="Record where it went. It can't be issued before the embargo unless the Director has overridden it.",
    fields=(Field("channels", "Channels", "Where did it go?", Kind.FLAGS, choices=CHANNELS),
            Field("note", "Note", "Anything else (follow-up advised, interviews offered)", Kind.LONG_TEXT,
                  optional=True, max_len=1000)),
)

COVERAGE_FORM = Form(
    id="press_coverage", title="Log coverage", submit_label="Log it", outro="",
    intro="A link to each piece of coverage, so the follow-up is on record.",
    fields=(Field("link", "Link", "Link to the coverage", max_len=500, placeholder="https://…"),
            Field("outlet", "Outlet", "Outlet", optional=True, max_len=200)),
)

STATIC_FORMS = {f.id: f for f in (DETAILS_FORM, DRAFT_FORM, AMENDS_FORM, INVITE_FORM, TEAM_COMMENT_FORM, CHANGE_FORM,
                                  RECORD_FORM, EMBARGO_FORM, ISSUE_FORM, COVERAGE_FORM)}
