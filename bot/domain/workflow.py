"""Workflows as explicit tables: (state, event) -> (new state, effects), plus who may fire the event."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from bot.domain.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)  # the states
E = TypeVar("E", bound=StrEnum)  # the effects a transition has


@dataclass(frozen=True)
class Transition(Generic[S, E]):
    source: S
    event: str
    target: S
    effects: tuple[E, ...] = ()


class Workflow(Generic[S, E]):
    """A transition table. `explain(state, event)` gives the sentence shown when an event is refused."""

    def __init__(self, name: str, transitions: Iterable[Transition[S, E]],
                 explain: Callable[[S, str], str] | None = None) -> None:
        self.name = name
        self._table: dict[tuple[S, str], Transition[S, E]] = {}
        for t in transitions:
            key = (t.source, t.event)
            if key in self._table:
                raise ValueError(f"{name}: duplicate transition {key}")
            self._table[key] = t
        self._explain = explain or (lambda state, event: f"That can't be done while the case is {state}.")

    @property
    def transitions(self) -> list[Transition[S, E]]:
        return list(self._table.values())

    @property
    def events(self) -> set[str]:
        return {event for _, event in self._table}

    def allows(self, state: S, event: str) -> bool:
        return (state, event) in self._table

    def apply(self, state: S, event: str) -> Transition[S, E]:
        try:
            return self._table[(state, event)]
        except KeyError:
            raise InvalidTransition(self._explain(state, event)) from None

    def events_from(self, state: S) -> list[str]:
        return [event for (source, event) in self._table if source == state]
