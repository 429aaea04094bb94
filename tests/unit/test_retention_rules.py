"""The retention rules (bot/domain/retention.py) and their [retention] section: classes, review dates, decisions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app.config import ConfigError, RetentionSection, load_org_config
from bot.domain.errors import DomainError, InvalidTransition, NotAllowed, ValidationFailed
from bot.domain.media_log import CaseKind
from bot.domain.people import Directory, Role
from bot.domain.retention import (
    Appraisal,
    CaseFile,
    RetentionClass,
    RetentionPolicy,
    RetentionStatus,
    appraise,
    classify,
    place_hold,
    queue_if_due,
    register,
    release_hold,
    require_records_role,
)

LONDON = ZoneInfo("Europe/London")
CLOSED = datetime(2019, 3, 4, 10, 50, tzinfo=UTC)
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def closed(kind: CaseKind = CaseKind.ENQUIRY, at: datetime = CLOSED, **facts: object) -> CaseFile:
    return CaseFile("MC-2019-0001", kind, at.replace(hour=9), at, **facts)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "facts", "cls"), [
    (CaseKind.PRESS_RELEASE, {}, RetentionClass.CORPORATE_COMMUNICATIONS),
    (CaseKind.ENQUIRY, {}, RetentionClass.MEDIA_ENQUIRY),
    (CaseKind.ENQUIRY, {"patient_safety": True}, RetentionClass.SERIOUS_INCIDENT),
    (CaseKind.CRISIS, {"harm": "patients"}, RetentionClass.SERIOUS_INCIDENT),
    (CaseKind.CRISIS, {"harm": "staff"}, RetentionClass.SERIOUS_INCIDENT),
    (CaseKind.CRISIS, {"harm": "none"}, RetentionClass.CORPORATE_COMMUNICATIONS),
    (CaseKind.CRISIS, {"harm": "unknown"}, RetentionClass.CORPORATE_COMMUNICATIONS),
])
def test_each_kind_of_case_has_its_class(kind: CaseKind, facts: dict, cls: RetentionClass) -> None:
    assert classify(kind, **facts) is cls


def test_the_review_date_is_the_closing_day_in_london_the_classes_years_on() -> None:
    policy = RetentionPolicy()
    assert register(closed(), policy, LONDON).review_on == date(2025, 3, 4)
    assert register(closed(patient_safety=True), policy, LONDON).review_on == date(2039, 3, 4)
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time)
    late = closed(CaseKind.PRESS_RELEASE, datetime(2019, 6, 30, 23, 30, tzinfo=UTC))
    assert register(late, policy, LONDON).review_on == date(2025, 7, 1)
    leap = closed(at=datetime(2020, 2, 29, 12, 0, tzinfo=UTC))
    assert register(leap, policy, LONDON).review_on == date(2026, 3, 1)  # never a day short
    assert register(CaseFile("X", CaseKind.ENQUIRY, CLOSED, None), policy, LONDON).review_on is None  # open


def test_the_periods_come_from_the_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "mediadesk.toml"
    path.write_text("[retention]\nmedia_enquiry_years = 3\nserious_incident_years = 25\n", encoding="utf-8")
    policy = load_org_config(path).retention.policy()
    assert policy.years == {RetentionClass.CORPORATE_COMMUNICATIONS: 6, RetentionClass.MEDIA_ENQUIRY: 3,
                            RetentionClass.SERIOUS_INCIDENT: 25}
    assert register(closed(), policy, LONDON).review_on == date(2022, 3, 4)
    assert RetentionSection().policy() == RetentionPolicy()
    path.write_text("[retention]\n\nmedia_enquiry_years = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 3: retention.media_enquiry_years"):
        load_org_config(path)


def test_only_the_director_or_a_records_manager_decides() -> None:
    directory = Directory.build({Role.DIRECTOR_OF_COMMS: ["dana@x.nhs.uk"], Role.RECORDS_MANAGER: ["rita@x.nhs.uk"],
                                 Role.COMMS: ["casey@x.nhs.uk"]})
    require_records_role(directory, "Dana@x.nhs.uk")
    require_records_role(directory, "rita@x.nhs.uk")
    with pytest.raises(NotAllowed, match="only the Director of Communications or a records manager"):
        require_records_role(directory, "casey@x.nhs.uk")


def test_a_case_is_queued_when_its_review_date_comes_never_while_on_hold() -> None:
    record = register(closed(), RetentionPolicy(), LONDON)
    assert queue_if_due(record, date(2025, 3, 3), NOW) is None
    queued = queue_if_due(record, date(2025, 3, 4), NOW)
    assert queued is not None and queued.status is RetentionStatus.DUE and queued.describe() == "due for review"
    held = place_hold(record, reason="Claim expected", by="dana@x.nhs.uk", now=NOW)
    assert queue_if_due(held, TODAY, NOW) is None
    # a case already waiting leaves the queue while it is held
    assert place_hold(queued, reason="Inquiry", by="dana@x.nhs.uk", now=NOW).status is RetentionStatus.RETAINED


def test_decisions_and_their_refusals() -> None:
    record = register(closed(), RetentionPolicy(), LONDON)
    decide = lambda r, d, **kw: appraise(r, d, reason=kw.pop("reason", "Past its period"),  # noqa: E731
                                         by="dana@x.nhs.uk", now=NOW, today=kw.pop("today", TODAY), **kw)
    assert decide(record, Appraisal.KEEP).status is RetentionStatus.KEPT
    extended = decide(record, Appraisal.EXTEND, until=date(2028, 1, 31))
    assert (extended.status, extended.review_on, extended.describe()) == (
        RetentionStatus.RETAINED, date(2028, 1, 31), "retained (extended)")
    assert decide(record, Appraisal.DESTROY).status is RetentionStatus.DESTROYED

    refusals: list[tuple[type[DomainError], str, object]] = [
        (ValidationFailed, "Give a reason", lambda: decide(record, Appraisal.KEEP, reason="  ")),
        (ValidationFailed, "Say until when", lambda: decide(record, Appraisal.EXTEND)),
        (ValidationFailed, "goes only with extend", lambda: decide(record, Appraisal.KEEP, until=date(2030, 1, 1))),
        (ValidationFailed, "must be after 03 Dec 2026", lambda: decide(record, Appraisal.EXTEND,
                                                                        until=date(2026, 12, 3))),
        (InvalidTransition, "kept until 04 Mar 2025", lambda: decide(record, Appraisal.DESTROY,
                                                                      today=date(2025, 3, 3))),
        (InvalidTransition, "under a legal hold", lambda: decide(
            place_hold(record, reason="Claim", by="rita@x.nhs.uk", now=NOW), Appraisal.DESTROY)),
        (InvalidTransition, "still open", lambda: decide(
            register(CaseFile("X", CaseKind.ENQUIRY, CLOSED, None), RetentionPolicy(), LONDON), Appraisal.KEEP)),
        (InvalidTransition, "nothing left to decide", lambda: decide(decide(record, Appraisal.DESTROY),
                                                                     Appraisal.KEEP)),
        (InvalidTransition, "not under a legal hold", lambda: release_hold(record, reason="x", by="d", now=NOW)),
    ]
    for error, words, attempt in refusals:
        with pytest.raises(error, match=words):
            attempt()  # type: ignore[operator]
    # a hold released: destruction is possible again
    held = place_hold(record, reason="Claim", by="rita@x.nhs.uk", now=NOW)
    assert decide(release_hold(held, reason="Settled", by="rita@x.nhs.uk", now=NOW),
                  Appraisal.DESTROY).status is RetentionStatus.DESTROYED
    assert replace(record, hold=held.hold).describe() == "on legal hold"
