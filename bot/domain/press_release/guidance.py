"""The words of Appendices D and E, shown at the moment they matter."""

from __future__ import annotations

_FIRST = (
    "Please don't agree to provide or issue a press release with anyone outside the ICB (a partner, another "
    "business, a local authority) until you have spoken to the communications team. All press releases are "
    "written by the communications team: "
)
FIRST = _FIRST + "I'll collect what they need, one question at a time."
FIRST_SCREEN = _FIRST + "this form collects what they need."
ONE_SET = (
    "If more than one member of your team needs to check the release, it is the project lead's job to collate "
    "their responses: please send comms one collated set of amends, to avoid duplication and confusion."
)
FINAL_CHECK = "Check the release for the final time for accuracy: this is the last time changes can be made."
LEAD_SIGN_OFF_NOTE = "Once you sign off, no more amends should be made."
PARTNERS_HELP = (
    "Where another organisation is involved or mentioned, comms contact and liaise with them. All contact with "
    "other organisations' communications teams goes through our comms team."
)
END = (
    "The communications team will contact you (or the project lead) for what the release needs: dates, key "
    "messages, who is quoted. Drafts come back to the project lead for comments: " + ONE_SET
)
REACTIVE_URGENT = "Reactive releases are time sensitive: comms need fast responses from everyone involved."
