"""The Slack door: Bolt listeners that translate, and the outbound delivery of cards."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import InboundRequest
from bot.services import inbox
from bot.services.core import Core
from handlers.slack import payloads
from handlers.slack.delivery import SlackDelivery
from handlers.slack.identity import SlackIdentity
from handlers.slack.listeners import SlackContext, register

log = logging.getLogger("mediadesk.slack")


class SlackDoor:
    """Everything Slack needs at run time, built once per application (never at import)."""

    def __init__(self, *, token: str, signing_secret: str, api_url: str, comms_channel: str | None, core: Core) -> None:
        # One HTTP session for every Web API call: connections are kept alive between messages.
        self._session = aiohttp.ClientSession()
        self.client = AsyncWebClient(token=token, base_url=api_url, timeout=10, session=self._session)
        self.identity = SlackIdentity(self.client)
        self.delivery = SlackDelivery(self.client, self.identity, comms_channel)
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=signing_secret,
            logger=logging.getLogger("mediadesk.slack.bolt"),
            # Verification stays on: Bolt checks signature and timestamp on every request.
            request_verification_enabled=True,
            # Each listener acks, hands what follows to SlackContext.later and returns, so Bolt can answer at
            # once: without this Bolt polls for the ack every 10 ms, which is most of a bare ack's time.
            process_before_response=True,
        )
        self._core = core
        self._context = SlackContext(core=core, identity=self.identity)
        register(self.bolt, self._context)
        self._verifier = SignatureVerifier(signing_secret)

    async def handle(self, request: web.Request) -> web.Response:
        with self._context.arrivals.arriving():
            return await self._answer(request)

    async def _answer(self, request: web.Request) -> web.Response:
        try:
            body = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:
            return web.json_response({"error": "the body is not UTF-8"}, status=400)
        # Check the signature before anything parses the body: a malformed body from anyone must not
        # reach a parser (Bolt checks again, as it always does).
        if not _signed(self._verifier, body, request.headers):
            log.info("Invalid request signature: refused", extra={"path": request.path})
            return web.json_response({"error": "invalid request"}, status=401)
        if not _content_matches(request.content_type, body):
            return web.json_response({"error": "the body does not match its Content-Type"}, status=415)
        try:
            checked = payloads.check(request.content_type, body)
        except payloads.Malformed as exc:
            log.info("refused: not a Slack request body", extra={"reason": str(exc)})
            return web.json_response({"error": "malformed request body"}, status=400)
        except payloads.WrongShape as exc:
            log.info("ignored: malformed payload", extra={"reason": str(exc)})
            return web.Response(status=200)  # Slack retries anything else; retrying would not help
        except payloads.NotOurs as exc:
            log.info("ignored: not a request Media Desk handles", extra={"reason": str(exc)})
            return web.Response(status=200)
        if checked.key is not None and not await self._keep(checked, body):
            return web.Response(status=200)  # kept before: a retry or a replay, answered and not done again
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, TypeError, KeyError, AttributeError):
            await self._not_run(checked.key)
            return web.json_response({"error": "malformed request body"}, status=400)
        bolt_response = await self.bolt.async_dispatch(bolt_request)
        if bolt_response.status != 200:  # no listener ran: nothing will finish it
            await self._not_run(checked.key)
        return await to_aiohttp_response(bolt_response)

    async def _not_run(self, key: str | None) -> None:
        if key is not None and key in self._context.live:
            await self._context.finished(key)

    @property
    def busy(self) -> bool:
        """Whether a request this process accepted is still being worked on (its reply shown included)."""
        return bool(self._context.live or self._context.after_ack)

    async def _keep(self, checked: payloads.Checked, body: str) -> bool:
        """Keep the request before Slack hears back (False: kept before). If the database can't take it, the
        listener still runs and tells the person it was not recorded."""
        key = checked.key or ""
        try:
            fresh = await inbox.accept(self._core, InboundRequest(key, "slack", checked.person, body))
        except Exception:
            log.exception("could not keep a Slack request in the inbox")
            return True
        if fresh:
            self._context.live.add(key)
        return fresh

    async def recover(self, *, every_lease: bool = False) -> int:
        """Finish the requests a crash cut off: each is signed afresh and run through the same listeners, one
        person's in the order they came. Returns how many were run."""
        return await inbox.finish_cut_off(self._core, "slack", self._context.live, self._replay,
                                          every_lease=every_lease)

    async def _replay(self, request: InboundRequest) -> None:
        done = self._context.started(request.key)
        content_type = "application/json" if request.body.lstrip().startswith("{") else \
            "application/x-www-form-urlencoded"
        timestamp = str(int(time.time()))
        signature = self._verifier.generate_signature(timestamp=timestamp, body=request.body)
        assert signature is not None  # None only without a timestamp
        headers: dict[str, str | Sequence[str]] = {
            "content-type": [content_type], "x-slack-request-timestamp": [timestamp],
            "x-slack-signature": [signature], payloads.REPLAY_HEADER: ["1"]}
        log.info("finishing a request a restart cut off", extra={"key": request.key[:60]})
        try:
            await self.bolt.async_dispatch(AsyncBoltRequest(body=request.body, headers=headers))
            await asyncio.wait_for(done, timeout=60)
        except Exception:  # noqa: BLE001 - the lease runs out and it is tried again
            log.warning("could not finish a request cut off by a restart", exc_info=True)
        finally:
            self._context.forget(request.key)

    async def settle(self, seconds: float = 5) -> None:
        """Give the work after the acks a moment to end before shutdown (the inbox keeps what is cut off)."""
        await self._context.settle(seconds)

    async def close(self) -> None:
        if not self._session.closed:
            await self._session.close()


def _signed(verifier: SignatureVerifier, body: str, headers: Mapping[str, str]) -> bool:
    """Slack's v0 signature and a timestamp within five minutes; a garbage header is simply invalid."""
    try:
        return verifier.is_valid(body, headers.get("X-Slack-Request-Timestamp", ""),
                                 headers.get("X-Slack-Signature", ""))
    except (ValueError, TypeError):
        return False


def _content_matches(content_type: str, body: str) -> bool:
    """Slack sends events as JSON and commands and clicks as forms; anything else is not from Slack."""
    looks_json = body.lstrip().startswith(("{", "["))
    if content_type == "application/json":
        return looks_json
    if content_type == "application/x-www-form-urlencoded":
        return not looks_json
    return False
