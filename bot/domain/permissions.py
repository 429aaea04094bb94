"""Who may press what: one small table per workflow, read by the server's check and by the buttons a card offers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from bot.domain.errors import NotAllowed
from bot.domain.people import Actor, Directory
from bot.domain.workflow import Workflow

C = TypeVar("C")  # the case: an enquiry, a crisis, a press release
S = TypeVar("S", bound=StrEnum)  # its states


@dataclass(frozen=True)
class Asked(Generic[C]):
    """One question for a table: may `actor` do this to `case`?"""

    directory: Directory
    actor: Actor
    case: C
    arg: Any = None  # what the press is about, where it matters: a sign-off slot
    out_of_hours: bool = False

    @property
    def email(self) -> str:
        return (self.actor.email or "").lower()


@dataclass(frozen=True)
class Rule(Generic[C]):
    """Who may press one button, the sentence everyone else is shown (fixed, or written for the question), and
    the workflow events the press fires: the button is offered only where the table allows one of them (none: the
    press is no step of the workflow, such as reading the case, and is offered in every state)."""

    allows: Callable[[Asked[C]], bool]
    refusal: str | Callable[[Asked[C]], str]
    events: tuple[str, ...] = ()

    def check(self, asked: Asked[C]) -> None:
        if not self.allows(asked):
            raise NotAllowed(self.refusal if isinstance(self.refusal, str) else self.refusal(asked))


class Rules(Generic[C]):
    """A table of action -> rule; `default` answers for an action the table does not name. On its own, the table
    for presses that are no step of a case's workflow (a reminder's, a conversation's, the holding-line
    library's): they are offered wherever the card shows them."""

    def __init__(self, rules: Mapping[str, Rule[C]], default: Rule[C]) -> None:
        self.rules = dict(rules)
        self.default = default

    def rule(self, action: str) -> Rule[C]:
        return self.rules.get(action, self.default)

    def require(self, asked: Asked[C], action: str) -> None:
        """Raises NotAllowed, in plain English, unless the asker may do `action`."""
        self.rule(action).check(asked)

    def may(self, asked: Asked[C], action: str) -> bool:
        try:
            self.require(asked, action)
        except NotAllowed:
            return False
        return True


class Permissions(Rules[C], Generic[C, S]):
    """A workflow's table of action -> rule, whose rules name the workflow events each press fires."""

    def __init__(self, workflow: Workflow[S, Any], rules: Mapping[str, Rule[C]], default: Rule[C]) -> None:
        unknown = {e for rule in rules.values() for e in rule.events} - workflow.events
        if unknown:
            raise ValueError(f"{workflow.name}: permissions name events the table lacks: {sorted(unknown)}")
        super().__init__(rules, default)
        self.workflow = workflow

    def offered(self, state: S, action: str) -> bool:
        """Whether a button for `action` belongs on a card in `state`: the workflow table allows what it fires."""
        events = self.rule(action).events
        return not events or any(self.workflow.allows(state, event) for event in events)
