"""What Media Desk says when asked for help, or when a message comes with nothing in progress (both platforms)."""

from __future__ import annotations

from bot.domain.conversation import Conversation
from bot.domain.crisis import CRISIS_FORM
from bot.domain.forms import Form
from bot.domain.media_call import MEDIA_CALL
from bot.domain.press_release import PROACTIVE_FORM


def typed(form: Form, platform: str, extra: str = "") -> str:
    """How to start `form` here: a slash command on Slack, words in quotes in a Teams chat."""
    words = form.command_on(platform) + (f" {extra}" if extra else "")
    return words if platform == "slack" else f'"{words}"'


def starts(platform: str) -> str:
    """The three things a person can start, as they would type them here."""
    return (f"Type {typed(MEDIA_CALL, platform)} to log a call from a journalist, {typed(CRISIS_FORM, platform)} "
            "to raise the alert about something that could damage our reputation, or "
            f"{typed(PROACTIVE_FORM, platform)} to ask comms for a press release "
            f"({typed(PROACTIVE_FORM, platform, 'reactive')} when reacting to the news).")


def nothing_in_progress(platform: str) -> str:
    """A message that isn't an answer, with nothing in progress: what can be started."""
    return (f"Hello! I'm Media Desk. {starts(platform)} Add the word form for everything on one screen "
            f"(for example {typed(MEDIA_CALL, platform, 'form')}).")


def general(platform: str) -> str:
    """Help with nothing in progress: what can be started, and how the questions work."""
    return (f"I'm Media Desk. {starts(platform)} Add the word form for everything on one screen. While I'm "
            "asking questions you can type back, skip, cancel or send, and help to see the question again.")


def while_asked(form: Form, conv: Conversation) -> str:
    """Help in the middle of a form: what can be typed at this point (only the words that would work)."""
    if conv.reviewing:
        return (f'Everything is answered. Press {form.submit_label} (or type send), choose an answer to change, '
                "or type cancel.")
    words = []
    if conv.step is not None and form.index(conv.step) > 0:
        words.append("back")
    if conv.can_skip(form):
        words.append("skip")
    words.append("cancel")
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" or {words[-1]}"
    return f"Help: answer the question above, or type {listed}."
