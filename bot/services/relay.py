"""Delivers the outbox: claims due messages, sends each through its platform, records the outcome."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from bot.clock import Clock
from bot.domain.messages import MessageRef, Outbound
from bot.ports import Delivery, OutboxStore, RetryLater, Undeliverable

log = logging.getLogger("mediadesk.outbox")


class OutboxRelay:
    """Runs `drain()` when kicked (after a commit) and on a timer (retries, other replicas' leftovers).

    A claimed message is leased for `lease_seconds` and the lease is renewed every third of that while this
    process works on it, so a short lease costs nothing to a live process and a dead one's work is taken over soon.
    """

    def __init__(self, store: OutboxStore, deliveries: Mapping[str, Delivery], clock: Clock, *,
                 lease_seconds: float = 10.0, max_attempts: int = 12, batch: int = 50, parallel: int = 4) -> None:
        self._store = store
        self._deliveries = dict(deliveries)
        self._clock = clock
        self._lease = lease_seconds
        self._max_attempts = max_attempts
        self._batch = batch
        self._parallel = parallel
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self._failing_since: datetime | None = None
        self._last_report = datetime.min.replace(tzinfo=UTC)
        self._in_flight: dict[int, Outbound] = {}
        self._renewing: asyncio.Task[None] | None = None
        # Delivered but not yet on record (the write failed): the next attempt records these instead of sending.
        self._unrecorded: dict[int, MessageRef] = {}

    def kick(self) -> None:
        """Start draining soon; coalesces many kicks into one pass plus one more."""
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            self._again = False
            try:
                await self.drain()
                self._failing_since = None
            except Exception as exc:  # the timer will try again; never let the task die silently
                self._report_failure(exc)
            if not self._again:
                return

    async def _retry(self, message: Outbound, exc: RetryLater) -> int:
        if message.attempts >= self._max_attempts:
            await self._store.give_up(message, f"gave up after {message.attempts} tries: {exc.reason}",
                                      self._clock.now())
            log.error("outbox message undeliverable", extra={"outbox_id": message.id, "reason": exc.reason})
            return 0
        wait = exc.after_seconds if exc.after_seconds is not None else min(2 ** message.attempts, 300)
        await self._store.retry_at(message, self._clock.now() + timedelta(seconds=wait), exc.reason)
        log.info("outbox message will be retried", extra={"outbox_id": message.id, "reason": exc.reason,
                                                          "after_s": wait})
        return 0

    def _report_failure(self, exc: Exception) -> None:
        """A full traceback the first time and then once a minute, not on every tick while a database is down."""
        now = self._clock.now()
        if self._failing_since is None or now - self._last_report >= timedelta(minutes=1):
            log.error("outbox drain failed", exc_info=exc)
            self._last_report = now
        self._failing_since = self._failing_since or now

    async def idle(self) -> None:
        """Wait for a kicked drain to finish (used at shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def close(self) -> None:
        """Stop a drain still running and the lease renewal, and wait for both (before the database closes)."""
        tasks = [t for t in (self._task, self._renewing) if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def release_leases(self) -> None:
        """At the start of the only process (SQLite): what a dead run had leased is sent now, not a lease later."""
        await self._store.release_leases()

    def _hold(self, batch: list[Outbound]) -> None:
        self._in_flight.update((m.id, m) for m in batch if m.id is not None)
        if self._renewing is None or self._renewing.done():
            self._renewing = asyncio.get_running_loop().create_task(self._renew_while_busy())

    async def _renew_while_busy(self) -> None:
        while self._in_flight:
            await asyncio.sleep(self._lease / 3)
            if not self._in_flight:
                return
            try:
                await self._store.renew(list(self._in_flight), self._clock.now() + timedelta(seconds=self._lease))
            except Exception as exc:  # the database is away: the lease may lapse and another replica send it
                self._report_failure(exc)

    async def drain(self) -> int:
        """Send everything that is due now; return how many were delivered."""
        delivered = 0
        while True:
            batch = await self._store.claim_due(self._clock.now(), self._batch, self._lease)
            if not batch:
                return delivered
            # A batch holds at most one message per keyed card (claim_due sees to that), so its messages can go
            # side by side; a few at a time stays within the platforms' rate limits.
            gate = asyncio.Semaphore(self._parallel)
            self._hold(batch)
            delivered += sum(await asyncio.gather(*(self._send_within(gate, m) for m in batch)))

    async def _send_within(self, gate: asyncio.Semaphore, message: Outbound) -> int:
        assert message.id is not None  # a claimed message is a stored one
        try:
            async with gate:
                return await self._send(message)
        finally:
            self._in_flight.pop(message.id, None)

    async def _send(self, message: Outbound) -> int:
        assert message.id is not None  # a claimed message is a stored one
        platform = message.recipient.platform
        delivery = self._deliveries.get(platform)
        if delivery is None:
            # Waiting for a platform to be configured is not a failed attempt.
            await self._store.retry_at(message, self._clock.now() + timedelta(minutes=5),
                                       f"{platform} is not configured", count_attempt=False)
            log.warning("outbox message waits: platform not configured",
                        extra={"outbox_id": message.id, "platform": platform})
            return 0
        existing = await self._store.ref_for(platform, message.key) if message.key else None
        if message.update_only and existing is None:
            await self._store.skip(message, "update of a message that was never posted", self._clock.now())
            return 0
        try:
            ref = self._unrecorded.get(message.id) or await delivery.deliver(message, existing)
        except RetryLater as exc:
            return await self._retry(message, exc)
        except Undeliverable as exc:
            await self._store.give_up(message, str(exc), self._clock.now())
            log.error("outbox message refused", extra={"outbox_id": message.id, "reason": str(exc)})
            return 0
        except Exception as exc:  # a bug or a surprise in a delivery: back off and retry, never stall the batch
            log.exception("outbox delivery raised", extra={"outbox_id": message.id})
            return await self._retry(message, RetryLater(f"unexpected: {type(exc).__name__}: {exc}"))
        # Nothing between the platform's answer and this write: it is what stops a second copy after a crash.
        self._unrecorded[message.id] = ref
        await self._store.mark_sent(message, ref, self._clock.now())
        self._unrecorded.pop(message.id, None)
        log.info("outbox message delivered", extra={"outbox_id": message.id, "platform": platform})
        return 1
