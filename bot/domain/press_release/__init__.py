"""Press releases (Appendices D and E): proactive ("we are making news") and reactive ("reacting to other people's
news"), as one staged workflow table with an owner and a due date for every stage.

Proactive: requested -> information gathering -> first draft -> comments and amends (the project lead sends one
collated set) -> amended draft -> final comments (the last time changes can be made) -> [final amends] ->
external sign-off (each named partner, recorded by comms) -> project lead's sign-off -> quote approval (each
person quoted) -> Director of Communications' final sign-off -> ready -> issued (coverage follow-up) -> closed.

Reactive: requested -> comms decide (a release, a statement only, or nothing; and in whose name) -> the same
stages from the first draft (a statement goes from its draft straight to the quote and final sign-offs), with
executives signing alongside the Director where comms name one (Appendix E).

A new version of the text once the sign-offs have begun ("a late change") sends the release back to external
sign-off: every sign-off binds to the version it approved (statement.binds_to), so the later ones no longer count.
"""

from bot.domain.people import is_comms  # who writes and manages press releases: the communications team
from bot.domain.press_release.forms import CHANNELS, STATIC_FORMS, decide_form
from bot.domain.press_release.guidance import END, FINAL_CHECK, LEAD_SIGN_OFF_NOTE, ONE_SET
from bot.domain.press_release.intake import INTAKE_FORMS, PROACTIVE_FORM, REACTIVE_FORM, form_for_kind
from bot.domain.press_release.model import (
    PREFIX,
    Outcome,
    PressComment,
    PressRelease,
    Quoted,
    ReleaseKind,
    draft_fingerprint,
)
from bot.domain.press_release.permissions import STALE_SIGN_OFF, may, require
from bot.domain.press_release.reading import EMAIL, parse_link, parse_partners, parse_quoted
from bot.domain.press_release.slots import (
    DIRECTOR,
    EXECUTIVE,
    LEAD,
    PressSlot,
    holders,
    partner_slot,
    quote_slot,
    recorded_by_comms,
    signers,
    slot_label,
    slots_for,
)
from bot.domain.press_release.timings import PressTimings
from bot.domain.press_release.workflow import (
    AFTER_LEAD_SIGN_OFF,
    BEFORE_ISSUE,
    COLLATING,
    DRAFTING,
    OPEN,
    PRESS_WORKFLOW,
    SIGN_OFF_STAGES,
    STAGE_NAMES,
    PressEffect,
    PressState,
)

__all__ = ["AFTER_LEAD_SIGN_OFF", "BEFORE_ISSUE", "CHANNELS", "COLLATING", "DIRECTOR", "DRAFTING", "EMAIL", "END",
           "EXECUTIVE", "FINAL_CHECK", "INTAKE_FORMS", "LEAD", "LEAD_SIGN_OFF_NOTE", "ONE_SET", "OPEN", "PREFIX",
           "PRESS_WORKFLOW", "PROACTIVE_FORM", "REACTIVE_FORM", "SIGN_OFF_STAGES", "STAGE_NAMES", "STALE_SIGN_OFF",
           "STATIC_FORMS", "Outcome", "PressComment", "PressEffect", "PressRelease", "PressSlot", "PressState", "PressTimings",
           "Quoted", "ReleaseKind", "decide_form", "draft_fingerprint", "form_for_kind", "holders", "is_comms",
           "may", "parse_link", "parse_partners", "parse_quoted", "partner_slot", "quote_slot", "recorded_by_comms",
           "require", "signers", "slot_label", "slots_for"]
