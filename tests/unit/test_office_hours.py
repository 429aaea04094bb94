"""Office hours, bank holidays, clock changes, the on-call rota, and when reminders are due."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app.config import (
    NudgesSection,
    OfficeHoursSection,
    OnCallSection,
    OrgConfig,
    OverrideEntry,
    PeopleSection,
)
from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.nudges import (
    Nudge,
    NudgeKind,
    NudgePolicy,
    added_by,
    deferred_until,
    goes_at,
    on_logged,
    owner_reminders,
    still_applies,
)
from bot.domain.office_hours import OfficeHours, Override, Rota
from bot.domain.people import Person

LONDON = ZoneInfo("Europe/London")
HOURS = OfficeHours(tz=LONDON)


def utc(text: str) -> datetime:
    """An instant written in UTC, e.g. "2026-03-30 07:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def london(text: str) -> datetime:
    """An instant written as London wall-clock time."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


# --- is_open --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("instant", "is_open"), [
    # An ordinary week (GMT): 08:00 is open, 18:00 is shut.
    pytest.param(utc("2026-11-27 14:05"), True, id="friday-afternoon"),
    pytest.param(utc("2026-11-27 07:59"), False, id="friday-07:59"),
    pytest.param(utc("2026-11-27 08:00"), True, id="friday-08:00"),
    pytest.param(utc("2026-11-27 17:59:59"), True, id="friday-17:59:59"),
    pytest.param(utc("2026-11-27 18:00"), False, id="friday-18:00"),
    pytest.param(utc("2026-12-02 21:00"), False, id="wednesday-evening"),
    pytest.param(utc("2026-12-03 02:45"), False, id="thursday-small-hours"),
    pytest.param(utc("2026-11-28 12:00"), False, id="saturday"),
    pytest.param(utc("2026-11-29 12:00"), False, id="sunday"),
    # Christmas 2026: Friday 25th, Boxing Day on Saturday 26th observed on Monday 28th.
    pytest.param(utc("2026-12-24 12:00"), True, id="christmas-eve"),
    pytest.param(utc("2026-12-25 12:00"), False, id="christmas-day"),
    pytest.param(utc("2026-12-28 12:00"), False, id="boxing-day-observed"),
    pytest.param(utc("2026-12-29 07:59"), False, id="tuesday-29-dec-07:59"),
    pytest.param(utc("2026-12-29 08:00"), True, id="tuesday-29-dec-08:00"),
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March; the clocks go forward on Easter Sunday.
    pytest.param(utc("2027-03-25 17:59"), True, id="maundy-thursday-gmt"),
    pytest.param(utc("2027-03-26 12:00"), False, id="good-friday-2027"),
    pytest.param(utc("2027-03-29 12:00"), False, id="easter-monday-2027"),
    pytest.param(utc("2027-03-30 06:59"), False, id="tuesday-after-easter-07:59-bst"),
    pytest.param(utc("2027-03-30 07:00"), True, id="tuesday-after-easter-08:00-bst"),
    # Spring forward (Sunday 29 March 2026): 08:00 BST is 07:00 UTC, 18:00 BST is 17:00 UTC.
    pytest.param(utc("2026-03-27 07:30"), False, id="friday-before-bst-07:30-gmt"),
    pytest.param(utc("2026-03-30 06:59"), False, id="first-bst-monday-07:59"),
    pytest.param(utc("2026-03-30 07:00"), True, id="first-bst-monday-08:00"),
    pytest.param(utc("2026-03-30 16:59"), True, id="first-bst-monday-17:59"),
    pytest.param(utc("2026-03-30 17:00"), False, id="first-bst-monday-18:00"),
    # Fall back (Sunday 25 October 2026): 08:00 GMT is 08:00 UTC again.
    pytest.param(utc("2026-10-23 07:00"), True, id="last-bst-friday-08:00"),
    pytest.param(utc("2026-10-23 17:00"), False, id="last-bst-friday-18:00"),
    pytest.param(utc("2026-10-26 07:30"), False, id="first-gmt-monday-07:30"),
    pytest.param(utc("2026-10-26 08:00"), True, id="first-gmt-monday-08:00"),
    pytest.param(utc("2026-10-26 17:30"), True, id="first-gmt-monday-17:30"),
])
def test_is_open(instant: datetime, is_open: bool) -> None:
    assert HOURS.is_open(instant) is is_open


def test_is_open_reads_any_zone_as_the_same_instant() -> None:
    assert HOURS.is_open(datetime(2026, 11, 30, 7, 30, tzinfo=ZoneInfo("America/New_York")))  # 12:30 London
    assert HOURS.is_open(datetime(2026, 11, 30, 20, 0, tzinfo=ZoneInfo("Asia/Tokyo")))  # 11:00 London
    assert not HOURS.is_open(datetime(2026, 12, 1, 3, 0, tzinfo=ZoneInfo("Asia/Tokyo")))  # 18:00 London


# --- closed_reason and describe_closed ---------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "reason"), [
    (date(2026, 11, 27), None),
    (date(2026, 11, 28), "weekend"),
    (date(2026, 11, 29), "weekend"),
    (date(2026, 12, 25), "bank holiday: Christmas Day"),
    (date(2026, 12, 26), "bank holiday: Boxing Day"),  # a Saturday, but the holiday is the better reason
    (date(2026, 12, 28), "bank holiday: Boxing Day (observed)"),
    (date(2026, 12, 29), None),
    (date(2027, 1, 1), "bank holiday: New Year's Day"),
    (date(2027, 3, 26), "bank holiday: Good Friday"),
    (date(2027, 3, 28), "weekend"),  # Easter Sunday is not a bank holiday
    (date(2027, 3, 29), "bank holiday: Easter Monday"),
    (date(2026, 11, 30), None),  # St Andrew's Day is a bank holiday in Scotland, not in England
    (date(2026, 8, 31), "bank holiday: Late Summer Bank Holiday"),
])
def test_closed_reason_in_england(day: date, reason: str | None) -> None:
    assert HOURS.closed_reason(day) == reason


def test_the_subdivision_decides_the_bank_holidays() -> None:
    scotland = OfficeHoursSection(bank_holidays="GB-SCT").hours(LONDON)
    assert scotland.closed_reason(date(2026, 11, 30)) is not None  # St Andrew's Day
    assert scotland.closed_reason(date(2026, 8, 31)) is None  # England's late summer holiday
    assert OfficeHoursSection().hours(LONDON).closed_reason(date(2026, 11, 30)) is None


def test_configured_closures_and_working_days() -> None:
    shutdown = OfficeHoursSection(closures=[date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]).hours(LONDON)
    assert shutdown.closed_reason(date(2026, 12, 30)) == "office closure"
    assert not shutdown.is_open(utc("2026-12-30 12:00"))
    assert shutdown.is_open(utc("2026-12-24 12:00"))
    four_days = OfficeHoursSection(days=["monday", "tuesday", "wednesday", "thursday"]).hours(LONDON)
    assert four_days.closed_reason(date(2026, 11, 27)) == "not a working day"
    assert not four_days.is_open(utc("2026-11-27 12:00"))
    late = OfficeHoursSection(opens=time(9, 30), closes=time(17, 0)).hours(LONDON)
    assert not late.is_open(utc("2026-11-27 09:29")) and late.is_open(utc("2026-11-27 09:30"))
    assert late.is_open(utc("2026-11-27 16:59")) and not late.is_open(utc("2026-11-27 17:00"))


@pytest.mark.parametrize(("instant", "description"), [
    (utc("2026-12-03 02:45"), "before opening"),
    (utc("2026-12-02 21:00"), "after hours"),
    (utc("2026-11-28 11:00"), "weekend"),
    (utc("2026-12-25 11:00"), "bank holiday: Christmas Day"),
    (utc("2026-12-28 07:00"), "bank holiday: Boxing Day (observed)"),
])
def test_describe_closed(instant: datetime, description: str) -> None:
    assert HOURS.describe_closed(instant) == description


# --- next_open ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("instant", "opens"), [
    pytest.param(utc("2026-11-27 14:05"), utc("2026-11-27 14:05"), id="open-now"),
    pytest.param(utc("2026-11-27 08:00"), utc("2026-11-27 08:00"), id="at-opening"),
    pytest.param(utc("2026-12-03 02:45"), utc("2026-12-03 08:00"), id="small-hours-same-day"),
    pytest.param(utc("2026-12-02 21:00"), utc("2026-12-03 08:00"), id="evening-next-morning"),
    pytest.param(utc("2026-11-27 18:00"), utc("2026-11-30 08:00"), id="friday-evening-to-monday"),
    pytest.param(utc("2026-11-28 11:00"), utc("2026-11-30 08:00"), id="saturday-to-monday"),
    pytest.param(utc("2026-12-24 18:30"), utc("2026-12-29 08:00"), id="christmas-eve-to-tuesday-29th"),
    pytest.param(utc("2026-12-28 07:00"), utc("2026-12-29 08:00"), id="boxing-day-observed-to-tuesday"),
    # Spring forward: the Monday opening is 08:00 BST = 07:00 UTC.
    pytest.param(utc("2026-03-27 19:00"), utc("2026-03-30 07:00"), id="weekend-of-spring-forward"),
    pytest.param(utc("2026-03-29 00:30"), utc("2026-03-30 07:00"), id="night-of-spring-forward"),
    # Fall back: Friday closes at 18:00 BST (17:00 UTC); Monday opens at 08:00 GMT = 08:00 UTC.
    pytest.param(utc("2026-10-23 17:00"), utc("2026-10-26 08:00"), id="weekend-of-fall-back"),
    pytest.param(utc("2026-10-25 01:30"), utc("2026-10-26 08:00"), id="repeated-hour-of-fall-back"),
    # Easter 2027, with the clocks going forward on Easter Sunday.
    pytest.param(utc("2027-03-25 18:30"), utc("2027-03-30 07:00"), id="easter-2027"),
])
def test_next_open(instant: datetime, opens: datetime) -> None:
    got = HOURS.next_open(instant)
    assert got == opens
    assert got.utcoffset() == timedelta(0)
    assert HOURS.is_open(got)


def test_next_open_skips_configured_closures_and_new_year() -> None:
    shutdown = OfficeHoursSection(closures=[date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]).hours(LONDON)
    assert shutdown.next_open(utc("2026-12-24 18:30")) == utc("2027-01-04 08:00")


def test_next_open_with_no_working_days_says_so() -> None:
    never = OfficeHours(tz=LONDON, weekdays=frozenset())
    with pytest.raises(ValueError, match="no working day"):
        never.next_open(utc("2026-11-27 12:00"))


# --- the on-call rota -----------------------------------------------------------------------------------------------

A, B, C, DEPUTY = "amy@example.nhs.uk", "ben@example.nhs.uk", "cal@example.nhs.uk", "dee@example.nhs.uk"


def rota(start: datetime, **on_call: object) -> Rota:
    """The rota as the TOML file builds it (naive times are London time)."""
    org = OrgConfig(on_call=OnCallSection(rotation=[A, B, C], rotation_start=start, deputies=[DEPUTY], **on_call))
    return org.rota()


SPRING = rota(datetime(2026, 3, 23, 8, 0))  # Monday 23 March 08:00 GMT; the clocks go forward on the 29th
AUTUMN = rota(datetime(2026, 10, 19, 8, 0))  # Monday 19 October 08:00 BST; the clocks go back on the 25th


@pytest.mark.parametrize(("the_rota", "instant", "on_call"), [
    pytest.param(SPRING, utc("2026-03-23 08:00"), A, id="spring-first-handover"),
    pytest.param(SPRING, utc("2026-03-27 21:00"), A, id="spring-friday-evening"),
    pytest.param(SPRING, utc("2026-03-30 06:59"), A, id="spring-monday-07:59-bst"),
    pytest.param(SPRING, utc("2026-03-30 07:00"), B, id="spring-monday-08:00-bst"),
    pytest.param(SPRING, utc("2026-04-06 06:59"), B, id="spring-next-monday-07:59-bst"),
    pytest.param(SPRING, utc("2026-04-06 07:00"), C, id="spring-next-monday-08:00-bst"),
    pytest.param(SPRING, utc("2026-04-13 07:00"), A, id="spring-wraps-round"),
    pytest.param(SPRING, utc("2026-03-23 07:59"), C, id="spring-before-the-start-is-the-week-before"),
    pytest.param(AUTUMN, utc("2026-10-19 07:00"), A, id="autumn-first-handover-08:00-bst"),
    pytest.param(AUTUMN, utc("2026-10-26 07:30"), A, id="autumn-monday-07:30-gmt"),
    pytest.param(AUTUMN, utc("2026-10-26 07:59"), A, id="autumn-monday-07:59-gmt"),
    pytest.param(AUTUMN, utc("2026-10-26 08:00"), B, id="autumn-monday-08:00-gmt"),
])
def test_weekly_rotation_hands_over_at_08_00_local_across_clock_changes(the_rota: Rota, instant: datetime,
                                                                       on_call: str) -> None:
    assert the_rota.on_call(instant) == on_call


def test_the_chain_is_the_on_call_director_then_the_rest_of_the_rota_then_the_deputies() -> None:
    assert SPRING.chain(utc("2026-03-27 21:00")) == [A, B, C, DEPUTY]
    assert SPRING.chain(utc("2026-03-30 07:00")) == [B, C, A, DEPUTY]
    assert SPRING.chain(utc("2026-04-06 07:00")) == [C, A, B, DEPUTY]


def test_an_override_takes_the_slot_for_its_window_only() -> None:
    cover = "cover@example.nhs.uk"
    the_rota = rota(datetime(2026, 3, 23, 8, 0), overrides=[
        OverrideEntry(start=datetime(2026, 3, 27, 18, 0), end=datetime(2026, 3, 30, 8, 0), email=cover)])
    assert the_rota.on_call(utc("2026-03-27 17:59")) == A
    assert the_rota.on_call(utc("2026-03-27 18:00")) == cover  # naive override times are London time too
    assert the_rota.on_call(utc("2026-03-30 06:59")) == cover
    assert the_rota.on_call(utc("2026-03-30 07:00")) == B  # the end is 08:00 BST, exclusive
    chain = the_rota.chain(utc("2026-03-28 12:00"))
    assert chain[0] == cover and chain[-1] == DEPUTY and len(chain) == len(set(chain))
    assert B in chain and C in chain


def test_an_override_by_someone_on_the_rota_is_not_asked_twice() -> None:
    swap = Rota(rotation=[A, B, C], starts=london("2026-03-23 08:00"), deputies=[DEPUTY],
                overrides=[Override(london("2026-03-25 08:00"), london("2026-03-26 08:00"), C)])
    chain = swap.chain(utc("2026-03-25 12:00"))
    assert chain[0] == C and chain.count(C) == 1 and chain[-1] == DEPUTY


def test_with_no_rotation_the_deputies_are_on_call() -> None:
    deputies_only = Rota(rotation=[], starts=london("2026-01-05 08:00"), deputies=[DEPUTY, "eve@example.nhs.uk"])
    assert deputies_only.on_call(utc("2026-11-27 21:00")) == DEPUTY
    assert deputies_only.chain(utc("2026-11-27 21:00")) == [DEPUTY, "eve@example.nhs.uk"]
    nobody = Rota(rotation=[], starts=london("2026-01-05 08:00"))
    assert nobody.on_call(utc("2026-11-27 21:00")) is None and nobody.chain(utc("2026-11-27 21:00")) == []


def test_the_rota_defaults_to_the_on_call_directors_and_compares_emails_in_lower_case() -> None:
    org = OrgConfig(people=PeopleSection(on_call_directors=["Amy@Example.nhs.uk", B]),
                    on_call=OnCallSection(deputies=["Amy@example.NHS.uk", DEPUTY]))
    the_rota = org.rota()
    assert list(the_rota.rotation) == [A, B]
    assert the_rota.chain(utc("2026-01-05 08:00")) == [A, B, DEPUTY]  # Amy is not asked twice


# --- when reminders are due -----------------------------------------------------------------------------------------

NOW = utc("2026-11-27 14:05")
POLICY = NudgePolicy()


CASEY = Person("Casey Comms", "Casey.Comms@Example.nhs.uk")


def enquiry(deadline: datetime, owner: Person | None = CASEY,
            state: EnquiryState = EnquiryState.CLAIMED) -> Enquiry:
    return Enquiry(ref="MC-2026-0001", journalist="Sam Reporter", outlet="BBC Essex", outlet_kind="broadcast",
                   phone="01245 123456", email=None, summary="Waiting times", deadline=deadline,
                   reporter=Person("Sam Staff", "sam.staff@example.nhs.uk", "slack", "U_STAFF"), created_at=NOW,
                   state=state, owner=owner)


def due(nudges: list[Nudge]) -> list[datetime]:
    return [n.due_at for n in nudges]


def test_the_default_policy_matches_the_brief() -> None:
    assert POLICY.unclaimed_after == POLICY.unclaimed_repeat == timedelta(minutes=15)
    assert POLICY.unclaimed_escalate_after == POLICY.sign_off_escalate_after == 2
    assert POLICY.owner_before == (timedelta(minutes=60), timedelta(minutes=15)) and POLICY.owner_half_time
    assert POLICY.sign_off_after == POLICY.sign_off_repeat == timedelta(minutes=20)
    assert POLICY.on_call_ack == timedelta(minutes=15) and POLICY.snooze == timedelta(minutes=30)
    assert NudgesSection().policy(15) == POLICY


def test_the_nudges_section_sorts_the_owner_reminders_and_takes_the_acknowledge_time() -> None:
    policy = NudgesSection(owner_minutes_before=[15, 120, 60], snooze=10).policy(acknowledge_minutes=20)
    assert policy.owner_before == (timedelta(minutes=120), timedelta(minutes=60), timedelta(minutes=15))
    assert policy.on_call_ack == timedelta(minutes=20) and policy.snooze == timedelta(minutes=10)


def test_owner_reminders_at_half_time_60_and_15_minutes_before() -> None:
    reminders = owner_reminders(enquiry(utc("2026-11-27 16:30")), NOW, POLICY)
    assert due(reminders) == [utc("2026-11-27 15:17:30"), utc("2026-11-27 15:30"), utc("2026-11-27 16:15")]
    assert [n.seq for n in reminders] == [1, 2, 3]
    assert {n.kind for n in reminders} == {NudgeKind.DEADLINE}
    assert {n.recipient for n in reminders} == {"casey.comms@example.nhs.uk"}
    assert [n.data["minutes_left"] for n in reminders][1:] == [60, 15]


@pytest.mark.parametrize(("deadline", "expected"), [
    # Two hours: half-time and 60 minutes before are the same moment, so one reminder.
    pytest.param("2026-11-27 16:05", ["2026-11-27 15:05", "2026-11-27 15:50"], id="2h-same-moment"),
    # 2 h 5 min: half-time (15:07:30) and 60 before (15:10) are 2.5 minutes apart: the earlier is kept.
    pytest.param("2026-11-27 16:10", ["2026-11-27 15:07:30", "2026-11-27 15:55"], id="2h05-close-together"),
    # 2 h 15 min: 7.5 minutes apart, both kept.
    pytest.param("2026-11-27 16:20", ["2026-11-27 15:12:30", "2026-11-27 15:20", "2026-11-27 16:05"],
                 id="2h15-far-enough"),
    # 38 minutes: 60 before is already past; half-time (14:24) and 15 before (14:28) are 4 minutes apart: one.
    pytest.param("2026-11-27 14:43", ["2026-11-27 14:24"], id="38min"),
    # 40 minutes: half-time (14:25) and 15 before (14:30) are exactly five minutes apart: both.
    pytest.param("2026-11-27 14:45", ["2026-11-27 14:25", "2026-11-27 14:30"], id="40min"),
    # 30 minutes: no half-time (only above 30 minutes left), just 15 before.
    pytest.param("2026-11-27 14:35", ["2026-11-27 14:20"], id="30min"),
    # 15 minutes: the 15-minute reminder would be now; none in the past or present.
    pytest.param("2026-11-27 14:20", [], id="15min"),
    pytest.param("2026-11-27 14:15", [], id="10min"),
])
def test_owner_reminders_dedupe_close_ones_and_skip_the_past(deadline: str, expected: list[str]) -> None:
    assert due(owner_reminders(enquiry(utc(deadline)), NOW, POLICY)) == [utc(e) for e in expected]


def test_owner_reminders_without_half_time_or_without_an_owner() -> None:
    fixed = NudgePolicy(owner_half_time=False)
    assert due(owner_reminders(enquiry(utc("2026-11-27 16:30")), NOW, fixed)) == [utc("2026-11-27 15:30"),
                                                                                 utc("2026-11-27 16:15")]
    assert owner_reminders(enquiry(utc("2026-11-27 16:30"), owner=None), NOW, POLICY) == []
    assert owner_reminders(enquiry(utc("2026-11-27 16:30"), owner=Person("Casey", None)), NOW, POLICY) == []


def test_logging_schedules_the_unclaimed_reminder_and_the_missed_deadline() -> None:
    logged = on_logged(enquiry(utc("2026-11-27 17:00"), owner=None, state=EnquiryState.OPEN), NOW, POLICY)
    assert [(n.kind, n.due_at, n.recipient) for n in logged] == [
        (NudgeKind.UNCLAIMED, utc("2026-11-27 14:20"), None),
        (NudgeKind.DEADLINE_MISSED, utc("2026-11-27 17:00"), None)]
    asked = added_by("request_sign_off", enquiry(utc("2026-11-27 17:00")), NOW, POLICY,
                     approvers={"comms": ["dana@example.nhs.uk", "harper@example.nhs.uk"]}, version=2)
    assert [(n.kind, n.due_at, n.recipient, n.data) for n in asked] == [
        (NudgeKind.SIGN_OFF, utc("2026-11-27 14:25"), "dana@example.nhs.uk", {"version": 2, "slot": "comms"}),
        (NudgeKind.SIGN_OFF, utc("2026-11-27 14:25"), "harper@example.nhs.uk", {"version": 2, "slot": "comms"})]


def test_a_nudge_only_applies_while_what_it_chases_is_undone() -> None:
    deadline = utc("2026-11-27 17:00")
    unclaimed = Nudge("MC-2026-0001", NudgeKind.UNCLAIMED, NOW)
    assert still_applies(unclaimed, enquiry(deadline, owner=None, state=EnquiryState.OPEN), {})
    assert not still_applies(unclaimed, enquiry(deadline), {})
    reminder = Nudge("MC-2026-0001", NudgeKind.DEADLINE, NOW, "casey.comms@example.nhs.uk")
    assert still_applies(reminder, enquiry(deadline), {})
    assert not still_applies(reminder, enquiry(deadline, owner=Person("Alex", "alex@example.nhs.uk")), {})
    assert not still_applies(reminder, enquiry(deadline, state=EnquiryState.CLOSED), {})
    missed = Nudge("MC-2026-0001", NudgeKind.DEADLINE_MISSED, deadline)
    assert still_applies(missed, enquiry(deadline, state=EnquiryState.APPROVED), {})
    assert not still_applies(missed, enquiry(deadline, state=EnquiryState.WITHDRAWN), {})
    sign_off = Nudge("MC-2026-0001", NudgeKind.SIGN_OFF, NOW, "dana@example.nhs.uk",
                     data={"version": 1, "slot": "comms"})
    waiting = enquiry(deadline, state=EnquiryState.AWAITING_SIGN_OFF)
    assert still_applies(sign_off, waiting, {"version": 1, "decided": []})
    assert not still_applies(sign_off, waiting, {"version": 1, "decided": ["comms"]})
    assert not still_applies(sign_off, waiting, {"version": 2, "decided": []})
    on_call = Nudge("MC-2026-0001", NudgeKind.ON_CALL, NOW)
    fresh = enquiry(deadline, owner=None, state=EnquiryState.OPEN)
    assert still_applies(on_call, fresh, {})
    fresh.routing = {"acknowledged_by": "omar@example.nhs.uk"}
    assert not still_applies(on_call, fresh, {})


# --- deferred_until -------------------------------------------------------------------------------------------------

def test_in_hours_nothing_is_deferred() -> None:
    assert deferred_until(NOW, utc("2026-11-30 12:00"), True, NOW) is None


def test_out_of_hours_a_reminder_waits_for_opening_unless_the_deadline_comes_first() -> None:
    evening = utc("2026-12-02 21:00")
    opens = HOURS.next_open(evening)
    assert opens == utc("2026-12-03 08:00")
    assert deferred_until(evening, utc("2026-12-03 12:00"), HOURS.is_open(evening), opens) == opens
    assert deferred_until(evening, utc("2026-12-03 07:00"), HOURS.is_open(evening), opens) is None
    assert deferred_until(evening, opens, False, opens) is None  # a deadline at opening time doesn't wait
    assert deferred_until(evening, opens + timedelta(minutes=1), False, opens) == opens


def test_over_a_bank_holiday_weekend_a_reminder_waits_until_tuesday() -> None:
    christmas = utc("2026-12-25 11:00")
    opens = HOURS.next_open(christmas)
    assert deferred_until(christmas, utc("2026-12-29 12:00"), HOURS.is_open(christmas), opens) == \
        utc("2026-12-29 08:00")


# --- when a pending reminder will really go ------------------------------------------------------------------------

def _nudge(kind: NudgeKind, due: str) -> Nudge:
    return Nudge("MC-2026-0001", kind, utc(due), "casey.comms@example.nhs.uk")


@pytest.mark.parametrize(
    ("kind", "due", "deadline", "goes"),
    [
        # Saturday 03:32: held for Monday's opening (08:00 GMT), the deadline being later.
        (NudgeKind.DEADLINE, "2026-11-28 03:32", "2026-11-30 12:00", "2026-11-30 08:00"),
        (NudgeKind.UNCLAIMED, "2026-12-03 03:00", "2026-12-03 12:00", "2026-12-03 08:00"),
        (NudgeKind.SIGN_OFF, "2026-12-03 19:30", "2026-12-04 16:00", "2026-12-04 08:00"),
        # In office hours: as due.
        (NudgeKind.DEADLINE, "2026-12-03 10:15", "2026-12-03 12:00", "2026-12-03 10:15"),
        # The deadline comes before opening: it goes when due, out of hours.
        (NudgeKind.DEADLINE, "2026-12-03 03:00", "2026-12-03 06:00", "2026-12-03 03:00"),
        # Escalations and the on-call chain are never held.
        (NudgeKind.DEADLINE_MISSED, "2026-12-03 03:00", "2026-12-03 03:00", "2026-12-03 03:00"),
        (NudgeKind.ON_CALL, "2026-12-03 03:00", "2026-12-03 12:00", "2026-12-03 03:00"),
    ],
)
def test_goes_at_applies_the_office_hours_deferral(kind: NudgeKind, due: str, deadline: str, goes: str) -> None:
    assert goes_at(_nudge(kind, due), utc(deadline), HOURS) == utc(goes)


def test_goes_at_without_office_hours_is_the_due_time() -> None:
    nudge = _nudge(NudgeKind.DEADLINE, "2026-11-28 03:32")
    assert goes_at(nudge, utc("2026-11-30 12:00"), None) == nudge.due_at
