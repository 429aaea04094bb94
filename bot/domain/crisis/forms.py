"""What a crisis asks: the report, an update, a holding line (and its library), the lead agency."""

from __future__ import annotations

from bot.domain import guidance
from bot.domain.forms import Choice, Field, Form, Kind, one_box
from bot.domain.people import Directory, Role
from bot.domain.role_fields import person_field

HOW_AWARE = (
    Choice("told", "I was told about it"),
    Choice("public", "A member of the public contacted me"),
    Choice("incident", "An incident happened"),
    Choice("media", "The media contacted me"),
)
HARM = (
    Choice("patients", "Patients harmed"),
    Choice("staff", "Staff harmed"),
    Choice("both", "Patients and staff harmed"),
    Choice("none", "Nobody harmed"),
    Choice("unknown", "Not known yet"),
)
YES_NO = (Choice("yes", "Yes"), Choice("no", "No"), Choice("unknown", "Not known"))

CRISIS_FORM = Form(
    id="crisis",
    title="Report a crisis",
    intro=guidance.CRISIS_FIRST,
    screen_intro=guidance.CRISIS_FIRST_SCREEN,
    noun="crisis report",
    outro=guidance.CRISIS_END,
    submit_label="Send to comms",
    alert_label="🚨 Alert comms now",
    command="/crisis",
    first_status="Offer no comment or opinion to anyone",
    fields=(
        Field("what", "What happened", "What has happened?", Kind.LONG_TEXT, max_len=3000,
              help="A sentence or two is enough to raise the alert."),
        Field("how", "How you heard", "How did you become aware of it?", Kind.CHOICE, optional=True,
              choices=HOW_AWARE),
        Field("where_when", "Where and when", "Where and when did it happen?", optional=True, max_len=300),
        Field("affected", "Who is affected", "Who is affected?", Kind.LONG_TEXT, optional=True, max_len=1000),
        Field("harm", "Harm", "Are patients or staff harmed?", Kind.CHOICE, optional=True, choices=HARM,
              help="A patient safety incident must be reported to NHS England under PSIRF; patient "
                   "confidentiality must be protected."),
        Field("media_aware", "Media aware", "Are the media already aware?", Kind.CHOICE, optional=True,
              choices=YES_NO),
        Field("phone", "Your number", "What number can comms reach you on?", Kind.PHONE, optional=True, max_len=40,
              help="Especially out of hours: comms may need more information."),
        Field("availability", "Your availability", "When are you available (or not)?", optional=True, max_len=300),
        Field("colleague", "Colleague to contact", "Who should comms contact if they can't reach you?",
              optional=True, max_len=300),
    ),
)

# The form asks the reporter in their own voice ("Your number"); the comms card speaks about them.
FOR_COMMS = {
    "how": "How they heard",
    "phone": "Reporter's number",
    "availability": "When they can be reached",
}


def comms_label(field: Field) -> str:
    """A crisis form field's label as comms read it on the crisis card."""
    return FOR_COMMS.get(field.name, field.label)


HOLDING_LINE_FORM_ID = "holding_line"
UPDATE_FORM = one_box(
    "crisis_update", "Add an update", "Add update",
    "What has changed? The update goes on the crisis timeline, with your name and the time.",
    "Update", "What has changed?", name="text")
LIBRARY_FORM = Form(
    id="library_line", title="New holding line", submit_label="Save", outro="",
    intro="A pre-approved holding statement that comms can start a crisis line from.",
    fields=(Field("title", "Title", "A short name", max_len=100, placeholder="e.g. Service disruption"),
            Field("text", "Holding line", "The statement", Kind.LONG_TEXT, max_len=3000)),
)
LEAD_AGENCY_FORM = Form(
    id="lead_agency", title="Lead agency", submit_label="Save", outro="",
    intro="When another agency leads (Police, Fire, a Gold command under EPRR), its sign-off joins the chain.",
    fields=(Field("agency", "Lead agency", "Which agency leads?", max_len=200, optional=True,
                  placeholder="e.g. Essex Police (Gold command)"),),
)


def holding_line_form(directory: Directory) -> Form:
    fields = [Field("text", "Holding line", "The holding line", Kind.LONG_TEXT, max_len=3000,
                    help="The words everyone will use until there is more to say.")]
    fields.append(person_field(directory, Role.HEAD_OF_DEPARTMENT, "head_of_department",
                               "Head of department to sign off", "Who signs it off?",
                               help="Appendix C: approved by the relevant head of department and signed off by "
                                    "the Director of Communications or delegate."))
    return Form(id=HOLDING_LINE_FORM_ID, title="Holding line", submit_label="Send for sign-off", outro="",
                intro="Start from the library or write it here. It goes straight to its approvers.",
                fields=tuple(fields))
