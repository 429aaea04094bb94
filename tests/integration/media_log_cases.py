"""Cases for the media log's tests, written through the unit of work and its repositories as the services write
them (the case row, its drafts, sign-offs and history), so the index is filled only by the database's triggers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.crisis import Crisis, CrisisState
from bot.domain.enquiry import Enquiry, EnquiryState, Person
from bot.domain.messages import HistoryEntry
from bot.domain.press_release import PressRelease, PressState, ReleaseKind
from bot.domain.statement import Decision, Draft, SignOff, Slot, fingerprint
from storage.db import Database
from storage.uow import SqlUnitOfWork

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
SAM = Person("Sam Staff", "sam.staff@example.nhs.uk", "slack", "U_STAFF")
CASEY = Person("Casey Comms", "casey.comms@example.nhs.uk", "slack", "U_CASEY")
ALEX = Person("Alex Press", "alex.press@example.nhs.uk", "slack", "U_ALEX")
DANA = Person("Dana Director", "dana.director@example.nhs.uk", "slack", "U_DANA")


def entry(ref: str, at: datetime, event: str, who: Person, **data: Any) -> HistoryEntry:
    return HistoryEntry(case_ref=ref, at=at, event=event, actor=who.name, actor_email=who.email,
                        data={"platform": "slack", **data})


async def add_enquiry(db: Database, ref: str, summary: str, *, outlet: str = "Essex Chronicle",
                      journalist: str = "Jane Reporter", outlet_kind: str = "newspaper", at: datetime = T0,
                      reporter: Person = SAM, deadline: timedelta = timedelta(hours=6)) -> Enquiry:
    enquiry = Enquiry(ref=ref, journalist=journalist, outlet=outlet, outlet_kind=outlet_kind, phone="+441245123456",
                      email="jane@chronicle.example", summary=summary, deadline=at + deadline, reporter=reporter,
                      created_at=at)
    async with SqlUnitOfWork(db) as uow:
        await uow.enquiries.add(enquiry)
        await uow.history.append(entry(ref, at, "logged", reporter, state="open"))
        await uow.commit()
    return enquiry


async def claim(db: Database, ref: str, who: Person, at: datetime) -> None:
    async with SqlUnitOfWork(db) as uow:
        enquiry = await uow.enquiries.get(ref)
        assert enquiry is not None
        expected = enquiry.version
        enquiry.state, enquiry.owner = EnquiryState.CLAIMED, who
        await uow.enquiries.save(enquiry, expected, at)
        await uow.history.append(entry(ref, at, "claim", who, state="claimed", owner=who.email))
        await uow.commit()


async def draft(db: Database, ref: str, text: str, who: Person, at: datetime) -> Draft:
    async with SqlUnitOfWork(db) as uow:
        latest = await uow.drafts.latest(ref)
        new = Draft((latest.number + 1) if latest else 1, text, fingerprint(text), who.name, who.email, at)
        await uow.drafts.add(ref, new)
        await uow.history.append(entry(ref, at, "draft", who, version=new.number))
        await uow.commit()
    return new


async def approve(db: Database, ref: str, who: Person, at: datetime, *, spokesperson: str = "written") -> None:
    """The Director approves the latest draft (the only sign-off needed): the enquiry is approved."""
    async with SqlUnitOfWork(db) as uow:
        enquiry = await uow.enquiries.get(ref)
        latest = await uow.drafts.latest(ref)
        assert enquiry is not None and latest is not None
        await uow.drafts.add_sign_off(ref, SignOff(latest.number, latest.fingerprint, Slot.COMMS, Decision.APPROVED,
                                                   who.name, who.email, at))
        expected = enquiry.version
        enquiry.state = EnquiryState.APPROVED
        enquiry.plan.spokesperson = spokesperson
        await uow.enquiries.save(enquiry, expected, at)
        await uow.history.append(entry(ref, at, "approve_last", who, state="approved", version=latest.number))
        await uow.commit()


async def issue(db: Database, ref: str, who: Person, at: datetime, method: str = "email") -> None:
    async with SqlUnitOfWork(db) as uow:
        enquiry = await uow.enquiries.get(ref)
        latest = await uow.drafts.latest(ref)
        assert enquiry is not None and latest is not None
        expected = enquiry.version
        enquiry.state = EnquiryState.CLOSED
        enquiry.plan.issued = {"method": method, "version": latest.number, "fingerprint": latest.fingerprint,
                               "contact": who.name, "at": at.isoformat(), "by": who.name}
        await uow.enquiries.save(enquiry, expected, at)
        await uow.history.append(entry(ref, at, "issue", who, state="closed", method=method, version=latest.number,
                                       text=latest.text))
        await uow.commit()


async def answered(db: Database, ref: str, summary: str, statement: str, at: datetime, **enquiry: Any) -> None:
    """An enquiry logged, claimed, drafted, approved and issued within the hour."""
    await add_enquiry(db, ref, summary, at=at, **enquiry)
    await claim(db, ref, CASEY, at + timedelta(minutes=5))
    await draft(db, ref, statement, CASEY, at + timedelta(minutes=20))
    await approve(db, ref, DANA, at + timedelta(minutes=40))
    await issue(db, ref, CASEY, at + timedelta(minutes=50))


async def add_crisis(db: Database, ref: str, what: str, *, at: datetime = T0, lead: Person | None = None,
                     state: CrisisState = CrisisState.REPORTED) -> Crisis:
    crisis = Crisis(ref=ref, details={"what": what, "where_when": "Broomfield Hospital, this morning"},
                    reporter=SAM, created_at=at, state=state, lead=lead)
    async with SqlUnitOfWork(db) as uow:
        await uow.crises.add(crisis, at)
        await uow.history.append(entry(ref, at, "reported", SAM, state=state.value))
        await uow.commit()
    return crisis


async def add_press_release(db: Database, ref: str, project: str, what: str, *, at: datetime = T0,
                            state: PressState = PressState.REQUESTED) -> PressRelease:
    release = PressRelease(ref=ref, kind=ReleaseKind.PROACTIVE, details={"project": project, "what": what},
                           requester=SAM, created_at=at, state=state)
    async with SqlUnitOfWork(db) as uow:
        await uow.press_releases.add(release, at)
        await uow.history.append(entry(ref, at, "requested", SAM, state=state.value))
        await uow.commit()
    return release
