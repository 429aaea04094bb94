"""A media enquiry (Appendix B): its workflow table, who may press what, and the case itself."""

from bot.domain.enquiry.model import Enquiry
from bot.domain.enquiry.permissions import STALE_SIGN_OFF, authorise, is_owner, may, require
from bot.domain.enquiry.workflow import ENQUIRY_WORKFLOW, Effect, EnquiryState
from bot.domain.people import Person  # the type of an enquiry's reporter and owner

__all__ = ["ENQUIRY_WORKFLOW", "STALE_SIGN_OFF", "Effect", "Enquiry", "EnquiryState", "Person", "authorise",
           "is_owner", "may", "require"]
