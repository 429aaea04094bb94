"""The policy's guidance in plain English, shown at the moment it matters (media policy, Appendix B)."""

_DONT_ANSWER = (
    "Don't answer the journalist's questions, even if you know the answer. "
    "Tell them the communications team will get back to them as soon as possible. "
)
DONT_ANSWER = _DONT_ANSWER + "Take their details and their deadline; I'll ask for each in turn."
DONT_ANSWER_SCREEN = _DONT_ANSWER + "Take their details and their deadline, and fill them in below."

DEADLINE_WHY = (
    "The deadline matters most: journalists often need an answer within hours, and if we miss it "
    "the story may say the ICB was \"unavailable for comment\"."
)

CONTACT_WHY = "Comms will call or email them back, so take at least a phone number or an email address."

ENQUIRY_HELP = (
    "Note their questions as fully as you can: what they are asking, what they already know, "
    "and anyone they have already spoken to."
)

WHAT_HAPPENS_NEXT = (
    "The communications team has the enquiry now and will respond to the journalist. "
    "Please don't reply to the journalist yourself; if they call again, tell them comms have it "
    "and give them the reference number. Comms may contact you for information."
)

SAID_BEFORE = ("Have we said this before? These are the earlier approved statements most like this enquiry. Start "
               "from one to open the draft with its words, then make them fit this enquiry: it still needs "
               "sign-off.")
CLAIMED_NEXT_STEPS = (
    "You now own this enquiry. Next: call or email the journalist back to acknowledge it and confirm the "
    "deadline; decide who should speak (a spokesperson) or whether a written statement is enough; "
    "newspaper enquiries need a written response by email. Statements are signed off by the "
    "Director of Communications (or the Head of Communications in their absence) before they go out."
)

NOT_COMMS = (
    "Only members of the communications team can claim media enquiries. "
    "If you think you should be able to, ask the Director of Communications to add you to the comms team."
)

DRAFTING = (
    "All statements are issued from the communications team with a contact name (usually the media lead). "
    "Newspaper enquiries get a written response by email, so there is a record. Don't include staff "
    "members' personal details (phone numbers, personal emails, addresses) without their consent."
)

SIGN_OFF = (
    "Statements are approved by the Director of Communications, or a Head of Communications with delegated "
    "authority in their absence, and by the relevant executive where needed. Approving binds to this exact "
    "text: if it changes, it comes back to you."
)

PRIVACY_WARNING = (
    "This draft seems to contain a staff member's personal information: {found}. The policy says we don't "
    "disclose staff personal information (contact details, addresses) without their explicit consent. "
    "Edit the draft, or confirm you have consent and send it for sign-off anyway."
)

NOT_OWNER = "Only the comms officer who owns this enquiry ({owner}) can do that. Ask them, or have it handed over."

_CRISIS_FIRST = (
    "Offer no comment or opinion to anyone about it. Take as many details as you can, and say a member of "
    "the communications team will call them back urgently. "
)
CRISIS_FIRST = _CRISIS_FIRST + ("I'll ask a few quick questions; only the first is needed, and you can alert "
                                "comms straight away.")
CRISIS_FIRST_SCREEN = _CRISIS_FIRST + "Only the first box is needed: fill in what you know and send it."

CRISIS_END = (
    "Don't comment until a formal line has been approved internally and circulated by the communications "
    "team. Keep your phone with you, especially out of hours: comms may need more information. If you may "
    "become unreachable, make sure a colleague knows."
)

CRISIS_CIRCULATED = (
    "This is the official line, approved and circulated by the communications team. Use these words only; "
    "don't add comment or opinion. Send anything new to comms."
)
