"""Asking for a press release: the proactive and the reactive request, one question at a time."""

from __future__ import annotations

from bot.domain.forms import Choice, Field, Form, Kind
from bot.domain.press_release.guidance import END, FIRST, FIRST_SCREEN, PARTNERS_HELP, REACTIVE_URGENT
from bot.domain.press_release.model import ReleaseKind

KINDS = (Choice(ReleaseKind.PROACTIVE.value, "We are making news (proactive)"),
         Choice(ReleaseKind.REACTIVE.value, "Reacting to news (reactive)"))
URGENCY = (Choice("today", "Today (within hours)"), Choice("days", "In the next day or two"),
           Choice("week", "This week or later"))

_KIND = Field("kind", "Kind of release", "Are we making news, or reacting to other people's news?", Kind.CHOICE,
              choices=KINDS, help="Proactive: we have news to share (a project, a service, an event). Reactive: "
                                  "something on the news agenda we need to respond to.")
_LEAD = Field("project_lead", "Project lead", "Who is the project lead? (their email; skip if it is you)",
              Kind.EMAIL, optional=True, max_len=254,
              help="Drafts go to the project lead, who collates their team's comments into one set.")
_PARTNERS = Field("partners", "Partners or third parties", "Which partners or third parties are involved or "
                  "mentioned?", Kind.LONG_TEXT, optional=True, max_len=1000, help=PARTNERS_HELP)

PROACTIVE_FORM = Form(
    id="press_release", title="Request a press release", intro=FIRST, outro=END, submit_label="Send to comms",
    noun="press release request", screen_intro=FIRST_SCREEN,
    command="/press-release", first_status="Please don't agree a release with anyone outside before speaking to comms",
    fields=(
        _KIND,
        Field("project", "Project", "Which project or programme is it about?", max_len=200,
              placeholder="e.g. New community diagnostic centre in Harlow"),
        Field("what", "What is happening", "What is happening, and why is it news?", Kind.LONG_TEXT, max_len=3000,
              help="Please give comms as much background context and detail as you can."),
        Field("key_messages", "Key messages", "What are the key messages?", Kind.LONG_TEXT, max_len=2000,
              help="Bullet points are fine: comms write the release."),
        Field("quoted", "Who might be quoted", "Who might be quoted?", optional=True, max_len=500,
              help="Comms agree the name of the person quoted with you. Each person quoted approves their quote "
                   "before it is issued."),
        _PARTNERS,
        Field("preferred_date", "Preferred date", "When would you like it to go out?", Kind.DEADLINE, optional=True,
              max_len=100, placeholder="e.g. next Tuesday 10am"),
        Field("embargo", "Embargo", "Is there an embargo (not to be published before when)?", Kind.DEADLINE,
              optional=True, max_len=100, help="The release will not be issued before the embargo time."),
        _LEAD,
    ),
)

REACTIVE_FORM = Form(
    id="press_release_reactive", title="Request a reactive press release", intro=FIRST, outro=END,
    noun="press release request", screen_intro=FIRST_SCREEN,
    submit_label="Send to comms", command="/press-release",
    first_status="Please don't agree a release with anyone outside before speaking to comms",
    fields=(
        _KIND,
        Field("news", "On the news agenda", "What is on the news agenda?", Kind.LONG_TEXT, max_len=3000,
              help="Tell comms about anything likely to generate media interest, especially a reputational issue."),
        Field("why", "Why it matters to us", "Why does it matter to us?", Kind.LONG_TEXT, max_len=2000),
        Field("urgency", "How urgent", "How urgent is it?", Kind.CHOICE, choices=URGENCY, help=REACTIVE_URGENT),
        Field("spokesperson", "Who could speak", "Who could be quoted or speak to the media?", optional=True,
              max_len=500, help="Comms decide whose name the release goes out in: you, or a senior spokesperson "
                                "such as the Director of Communications or an executive."),
        _PARTNERS,
        _LEAD,
    ),
)

INTAKE_FORMS = {PROACTIVE_FORM.id: PROACTIVE_FORM, REACTIVE_FORM.id: REACTIVE_FORM}


def form_for_kind(kind: str | None) -> Form:
    return REACTIVE_FORM if kind == ReleaseKind.REACTIVE.value else PROACTIVE_FORM
