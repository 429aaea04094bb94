"""An export's filter is recorded in words; who-saw reads it back and tests it against the case."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.access_log import (
    MEDIA_LOG_REF,
    OFFERED_EVENT,
    STARTED_FROM_EVENT,
    IndexedCase,
    accesses,
    included,
    parse_filter,
)
from bot.domain.media_log import CaseKind, LogFilter, log_filter
from bot.domain.messages import HistoryEntry

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize("where", [
    LogFilter(),
    log_filter(LONDON, kinds=["enquiry", "press"], date_from="2026-03-29", date_to="2026-10-25"),
    log_filter(LONDON, kinds=["crisis"], states=["stood down"], owner="Casey.Comms@example.nhs.uk",
               outlet_type="broadcast", logged_by="sam@example.nhs.uk"),
    log_filter(LONDON, date_to="2026-06-30"),
])
def test_every_filter_reads_back_as_it_was(where: LogFilter) -> None:
    assert parse_filter(where.describe()) == where


@pytest.mark.parametrize("text", ["complaints", "all cases, owned", "all cases, logged from yesterday"])
def test_words_a_filter_never_writes_are_not_guessed_at(text: str) -> None:
    assert parse_filter(text) is None


def test_a_case_is_in_an_export_by_its_kind_dates_and_who_logged_it_and_only_if_it_existed() -> None:
    case = IndexedCase("MC-2026-0001", CaseKind.ENQUIRY, "closed", datetime(2026, 3, 2, 10, tzinfo=UTC),
                       "sam@example.nhs.uk")
    export_at = datetime(2026, 4, 1, tzinfo=UTC)
    march = log_filter(LONDON, date_from="2026-03-01", date_to="2026-03-31")
    assert included(march, case, export_at)
    assert not included(log_filter(LONDON, date_from="2026-03-03"), case, export_at)
    assert not included(log_filter(LONDON, kinds=["crisis"]), case, export_at)
    assert included(log_filter(LONDON, logged_by="SAM@example.nhs.uk"), case, export_at)
    assert not included(log_filter(LONDON, logged_by="pat@example.nhs.uk"), case, export_at)
    assert not included(LogFilter(), case, datetime(2026, 3, 1, tzinfo=UTC))  # logged after the export


def test_earlier_statements_shown_and_started_from_are_accesses_to_that_case_only() -> None:
    at = datetime(2026, 4, 1, 9, tzinfo=UTC)
    entries = [HistoryEntry(MEDIA_LOG_REF, at, OFFERED_EVENT, "Casey Comms", "casey@example.nhs.uk",
                            {"for": "MC-2026-0009", "hits": ["MC-2026-0001", "MC-2026-0002"]}),
               HistoryEntry(MEDIA_LOG_REF, at, STARTED_FROM_EVENT, "Casey Comms", "casey@example.nhs.uk",
                            {"for": "MC-2026-0009", "statement": "MC-2026-0002"})]
    assert [(a.what, a.detail) for a in accesses("MC-2026-0002", None, entries)] == [
        ("said before", "its approved statement shown to the owner of MC-2026-0009"),
        ("said before", "its approved statement opened to start a draft of MC-2026-0009")]
    assert [a.detail for a in accesses("MC-2026-0001", None, entries)] == [
        "its approved statement shown to the owner of MC-2026-0009"]
    assert accesses("MC-2026-0009", None, entries) == []
