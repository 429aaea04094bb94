"""Our sentences around what people typed end with one full stop, never two."""

from __future__ import annotations

import pytest

from bot.domain.text import ending
from tests.prose import doubled_stops


@pytest.mark.parametrize(("typed", "ends"), [
    ("Essex Police", "Essex Police."),
    ("Essex Police.", "Essex Police."),  # never "Essex Police.."
    ("Dr Jo Bloggs, Medical Director ", "Dr Jo Bloggs, Medical Director."),
    ("Are they sure?", "Are they sure?"),
    ("Wait…", "Wait…"),
])
def test_what_someone_typed_ends_our_sentence_with_one_full_stop(typed: str, ends: str) -> None:
    assert ending(typed) == ends
    assert doubled_stops(f"Lead agency for CR-2026-0001: {ending(typed)}") == []
