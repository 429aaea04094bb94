"""The composition root: `create_app(settings)` builds the aiohttp application and its lifecycle."""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app.config import ConfigError, OrgConfig, Settings, load_org_config, playground_problem
from bot.app.logs import request_id
from bot.clock import Clock, SystemClock
from bot.ports import Delivery
from bot.services import anchors, nudges, retention
from bot.services.core import Core
from bot.services.relay import OutboxRelay
from storage.db import Database, open_database
from storage.inbox_store import SqlInboxStore
from storage.outbox_store import SqlOutboxStore
from storage.repositories.desk import SqlDesk
from storage.repositories.references import SqlReferenceStore
from storage.repositories.search import SqlMediaLog
from storage.uow import SqlUnitOfWork

if TYPE_CHECKING:  # each door is imported only when it is switched on (create_app)
    from handlers.slack import SlackDoor
    from handlers.teams import TeamsDoor

log = logging.getLogger("mediadesk.app")
access = logging.getLogger("mediadesk.access")

SETTINGS = web.AppKey("settings", Settings)
ORG = web.AppKey("org", OrgConfig)
CLOCK = web.AppKey("clock", Clock)
DATABASE = web.AppKey("database", Database)
CORE = web.AppKey("core", Core)
RELAY = web.AppKey("relay", OutboxRelay)
SLACK: web.AppKey[SlackDoor | None] = web.AppKey("slack")
TEAMS: web.AppKey[TeamsDoor | None] = web.AppKey("teams")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")  # a caller's id is kept only if it is short and plain
MAX_BODY = 1024 * 1024  # Slack payloads are far smaller; anything bigger is refused with 413
# How often requests cut off by a crash (on another replica) are looked for: with the inbox's 10 s lease, a dead
# replica's accepted requests are finished by a live one within 12 s.
INBOX_SWEEP_SECONDS = 2
ANCHOR_CHECK_SECONDS = 3600  # the day's anchor is written by the first check of the day
RETENTION_CHECK_SECONDS = 3600  # closed cases get their review date within the hour; the month's card goes once


@web.middleware
async def with_request_id(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                          ) -> web.StreamResponse:
    given = request.headers.get("X-Request-Id", "")
    token = request_id.set(given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16])
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers["X-Request-Id"] = request_id.get()
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        # Method, path, status and time only: never the body (it carries journalists' details). Web Chat polls
        # the playground a few times a second: those lines only at DEBUG.
        polling = request.method == "GET" and request.path.startswith("/playground/directline/") and status == 200
        access.log(logging.DEBUG if polling else logging.INFO, "request", extra={"method": request.method, "path": request.path, "status": status,
                                      "ms": round((time.perf_counter() - started) * 1000, 1)})
        request_id.reset(token)


def create_app(settings: Settings, *, org: OrgConfig | None = None, clock: Clock | None = None) -> web.Application:
    """Build the application; engines, clients and the scheduler start with it and stop with it."""
    if problems := settings.teams_problems():
        raise ConfigError("\n".join(problems))
    app = web.Application(middlewares=[with_request_id], client_max_size=MAX_BODY)
    app[SETTINGS] = settings
    app[ORG] = org if org is not None else load_org_config(settings.mediadesk_config)
    app[CLOCK] = clock or SystemClock()
    app.cleanup_ctx.append(_lifecycle)
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/slack/events", slack_events)
    app.router.add_post("/api/messages", teams_messages)
    if _playground_on(settings):
        from handlers.playground.routes import playground_app

        app.add_subapp("/playground/", playground_app(settings.webchat_js))
        app.router.add_get("/", to_playground)
    return app


def _playground_on(settings: Settings) -> bool:
    return playground_problem(settings) is None


async def _lifecycle(app: web.Application) -> AsyncIterator[None]:
    settings, org, clock = app[SETTINGS], app[ORG], app[CLOCK]
    db = open_database(settings.database_url)
    relay_holder: list[OutboxRelay] = []
    inbox_store = SqlInboxStore(db)

    def kick() -> None:
        if relay_holder:
            relay_holder[0].kick()

    core = Core(uow=lambda: SqlUnitOfWork(db, on_commit=[kick]), clock=clock, directory=org.directory(),
                tz=org.tz, ref_prefix=org.organisation.reference_prefix, media_lead=org.people.media_lead,
                hours=org.office_hours.hours(org.tz), rota=org.rota(),
                policy=org.nudges.policy(org.on_call.acknowledge_minutes), training_url=org.on_call.training_url,
                on_call_contacts=org.on_call.contacts,
                crisis_ack=timedelta(minutes=org.crisis.acknowledge_minutes),
                crisis_sign_off=timedelta(minutes=org.crisis.sign_off_minutes),
                press=org.press_releases.timings(), inbox=inbox_store, media_log=SqlMediaLog(db), desk=SqlDesk(db),
                chat_platforms=settings.chat_platforms)
    deliveries: dict[str, Delivery] = {}
    slack = None
    if settings.slack_enabled:
        from handlers.slack import SlackDoor

        slack = SlackDoor(token=settings.slack_bot_token or "", signing_secret=settings.slack_signing_secret or "",
                          api_url=settings.slack_api_url, comms_channel=org.slack.comms_channel, core=core)
        deliveries["slack"] = slack.delivery
        if not org.slack.comms_channel:
            log.warning("no comms channel configured: enquiries will wait in the outbox until [slack] "
                        "comms_channel is set in the TOML file")
    else:
        log.warning("Slack is off: set %s to connect a Slack workspace", " and ".join(settings.slack_missing()))
    teams = None
    if settings.teams_enabled:
        from handlers.teams import TeamsDoor

        teams = TeamsDoor(app_id=settings.microsoft_app_id, password=settings.microsoft_app_password,
                          tenant_id=settings.microsoft_app_tenant_id, app_type=settings.microsoft_app_type,
                          openid_metadata_url=settings.microsoft_openid_metadata_url,
                          login_url=settings.microsoft_login_url, core=core, store=SqlReferenceStore(db),
                          comms_channel=org.teams.comms_channel)
        deliveries["teams"] = teams.delivery
        if not org.teams.comms_channel:
            log.warning("no Teams comms channel configured: enquiries from Teams will wait in the outbox until "
                        "[teams] comms_channel is set in the TOML file")
    playground = None
    if _playground_on(settings):
        from handlers.playground import PlaygroundDoor
        from handlers.playground.routes import DOOR

        playground = PlaygroundDoor(core=core, directory=core.directory, now=clock.now)
        await playground.start()
        deliveries["playground"] = playground.delivery
        app[DOOR] = playground  # the page's routes find it through their parent app
    relay = OutboxRelay(SqlOutboxStore(db), deliveries, clock, lease_seconds=settings.outbox_lease_seconds)
    relay_holder.append(relay)
    scheduler = AsyncIOScheduler(timezone="UTC")
    # The scheduler's jobs as they run, so that shutdown stops them before the database goes (a job left
    # mid-query on a closed SQLite connection would wait for it for ever).
    running: set[asyncio.Task[Any]] = set()

    def tracked(job: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        async def run(*args: object, **kwargs: object) -> None:
            task = asyncio.current_task()
            if task is not None:
                running.add(task)
            try:
                await job(*args, **kwargs)
            finally:
                running.discard(task)
        return run

    async def sweep() -> None:
        relay.kick()  # joins a drain already running instead of starting a second one

    scheduler.add_job(sweep, "interval", seconds=settings.outbox_tick_seconds, id="outbox",
                      max_instances=1, coalesce=True)

    async def nudge_tick() -> None:
        try:
            await nudges.tick(core)
        except Exception:  # the next tick tries again; the rows are still due
            log.exception("nudge tick failed")

    scheduler.add_job(tracked(nudge_tick), "interval", seconds=settings.nudge_tick_seconds, id="nudges",
                      max_instances=1, coalesce=True)
    doors = [door for door in (slack, teams, playground) if door is not None]

    async def finish_cut_off(every_lease: bool = False) -> None:
        for door in doors:
            try:
                await door.recover(every_lease=every_lease)
            except Exception:  # the next sweep tries again; the requests are still kept
                log.exception("could not finish requests cut off by a restart")

    scheduler.add_job(tracked(finish_cut_off), "interval", seconds=INBOX_SWEEP_SECONDS, id="inbox", max_instances=1,
                      coalesce=True)

    async def anchor() -> None:
        try:
            await anchors.anchor_today(core)  # once a day: later runs (and other replicas) find it done
        except Exception:
            log.exception("could not record the day's history anchor; the next run tries again")

    scheduler.add_job(tracked(anchor), "interval", seconds=ANCHOR_CHECK_SECONDS, id="anchor", max_instances=1,
                      coalesce=True)
    retention_policy = org.retention.policy()

    async def retention_check() -> None:
        try:  # only records and queues: nothing is destroyed without a decision (bot/services/retention.py)
            await retention.monthly_card(core, retention_policy)
        except Exception:
            log.exception("the retention check failed; the next run tries again")

    scheduler.add_job(tracked(retention_check), "interval", seconds=RETENTION_CHECK_SECONDS, id="retention",
                      max_instances=1, coalesce=True)
    scheduler.start()
    app[DATABASE], app[CORE], app[RELAY], app[SLACK], app[TEAMS] = db, core, relay, slack, teams
    if db.is_sqlite:
        try:
            await relay.release_leases()
        except Exception as exc:  # the database is away: the relay reports it; leases then lapse as usual
            log.warning("could not free the outbox's leases at start: %s", type(exc).__name__)
    relay.kick()  # deliver whatever a previous run left behind
    # Finish what a previous run accepted but never did. SQLite allows one process only, so every lease left in
    # it belonged to a process that is gone; on PostgreSQL other replicas may be working: only lapsed leases.
    recovering = asyncio.get_running_loop().create_task(finish_cut_off(every_lease=db.is_sqlite))
    # Everything built so far lives as long as the process: keep it out of the garbage collector's full
    # sweeps, which otherwise pause the event loop for tens of milliseconds under load.
    gc.freeze()
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)
        if slack is not None:
            await slack.settle()
        stopping = [recovering, *running]
        for task in stopping:
            task.cancel()
        await asyncio.gather(*stopping, return_exceptions=True)
        try:
            await asyncio.wait_for(relay.idle(), timeout=5)
        except (TimeoutError, asyncio.CancelledError):
            log.warning("outbox still sending at shutdown; the rest goes on the next start")
        await relay.close()
        await inbox_store.idle()
        if slack is not None:
            await slack.close()
        if teams is not None:
            await teams.close()
        if playground is not None:
            await playground.close()
        await db.dispose()


async def healthz(request: web.Request) -> web.Response:
    """Up, and which doors are open (nothing secret: no ids, no counts)."""
    settings = request.app[SETTINGS]
    return web.json_response({"ok": True, "slack": settings.slack_enabled, "teams": settings.teams_enabled,
                              "playground": _playground_on(settings)})


async def to_playground(request: web.Request) -> web.Response:
    raise web.HTTPFound("/playground/")


async def slack_events(request: web.Request) -> web.Response:
    slack = request.app.get(SLACK)
    if slack is None:
        return web.json_response(
            {"ok": False, "error": "Slack is not configured on this server: set SLACK_BOT_TOKEN and "
                                   "SLACK_SIGNING_SECRET."}, status=503)
    return await slack.handle(request)


async def teams_messages(request: web.Request) -> web.Response:
    """Bot Framework traffic: authenticated by the Teams door; without credentials, refused (never an open door)."""
    settings = request.app[SETTINGS]
    teams = request.app.get(TEAMS)
    if not settings.teams_enabled or teams is None:
        return web.json_response(
            {"error": "Microsoft Teams is not configured on this server (MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, "
                      "MICROSOFT_APP_TENANT_ID)."}, status=503)
    return await teams.handle(request)
