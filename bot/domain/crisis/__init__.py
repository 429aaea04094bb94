"""A crisis (Appendix C): its workflow table, who may press what, the case and its forms."""

from bot.domain.crisis.forms import (
    CRISIS_FORM,
    HOLDING_LINE_FORM_ID,
    LEAD_AGENCY_FORM,
    LIBRARY_FORM,
    UPDATE_FORM,
    comms_label,
    holding_line_form,
)
from bot.domain.crisis.model import (
    CRISIS_SLOT_NAMES,
    Crisis,
    CrisisSlot,
    HoldingLine,
    alert_list,
    crisis_approvers,
    required_crisis_slots,
)
from bot.domain.crisis.permissions import STALE_SIGN_OFF, may, may_lead, require, require_library
from bot.domain.crisis.workflow import CRISIS_WORKFLOW, CrisisEffect, CrisisState
from bot.domain.people import is_comms  # who leads a crisis: the communications team

__all__ = ["CRISIS_FORM", "CRISIS_SLOT_NAMES", "CRISIS_WORKFLOW", "HOLDING_LINE_FORM_ID", "LEAD_AGENCY_FORM",
           "LIBRARY_FORM", "STALE_SIGN_OFF", "UPDATE_FORM", "Crisis", "CrisisEffect", "CrisisSlot", "CrisisState", "HoldingLine",
           "alert_list", "comms_label", "crisis_approvers", "holding_line_form", "is_comms", "may", "may_lead",
           "require", "require_library", "required_crisis_slots"]
