"""How long each stage of a press release may take before its holder is chased."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.domain.press_release.model import ReleaseKind
from bot.domain.press_release.workflow import PressState

P = PressState

_PROACTIVE_DAYS: Mapping[PressState, float] = {
    P.REQUESTED: 1, P.GATHERING: 3, P.FIRST_DRAFT: 2, P.COMMENTS: 2, P.AMENDING: 1, P.FINAL_COMMENTS: 1,
    P.FINAL_AMENDS: 1, P.EXTERNAL_SIGN_OFF: 3, P.LEAD_SIGN_OFF: 1, P.QUOTE_APPROVAL: 1, P.DIRECTOR_SIGN_OFF: 1,
    P.READY: 1, P.ISSUED: 5, P.DECIDING: 1,
}
_REACTIVE_HOURS: Mapping[PressState, float] = {
    P.REQUESTED: 1, P.DECIDING: 2, P.FIRST_DRAFT: 3, P.COMMENTS: 2, P.AMENDING: 2, P.FINAL_COMMENTS: 2,
    P.FINAL_AMENDS: 2, P.EXTERNAL_SIGN_OFF: 4, P.LEAD_SIGN_OFF: 2, P.QUOTE_APPROVAL: 2, P.DIRECTOR_SIGN_OFF: 2,
    P.READY: 2, P.ISSUED: 48, P.GATHERING: 2,
}


@dataclass(frozen=True)
class PressTimings:
    """How long each stage may take (then its holder is chased, and again every `chase_repeat`)."""

    proactive: Mapping[PressState, timedelta] = field(default_factory=lambda: {
        s: timedelta(days=d) for s, d in _PROACTIVE_DAYS.items()})
    reactive: Mapping[PressState, timedelta] = field(default_factory=lambda: {
        s: timedelta(hours=h) for s, h in _REACTIVE_HOURS.items()})
    proactive_repeat: timedelta = timedelta(days=1)
    reactive_repeat: timedelta = timedelta(hours=2)

    def stage(self, kind: ReleaseKind, state: PressState) -> timedelta:
        table = self.proactive if kind is ReleaseKind.PROACTIVE else self.reactive
        return table.get(state, timedelta(days=1))

    def repeat(self, kind: ReleaseKind) -> timedelta:
        return self.proactive_repeat if kind is ReleaseKind.PROACTIVE else self.reactive_repeat
