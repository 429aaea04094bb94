"""The Slack door: Bolt listeners that translate, and the outbound delivery of cards."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

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
        )
        register(self.bolt, SlackContext(core=core, identity=self.identity))
        self._verifier = SignatureVerifier(signing_secret)

    async def handle(self, request: web.Request) -> web.Response:
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
            payloads.check(request.content_type, body)
        except payloads.Malformed as exc:
            log.info("refused: not a Slack request body", extra={"reason": str(exc)})
            return web.json_response({"error": "malformed request body"}, status=400)
        except payloads.WrongShape as exc:
            log.info("ignored: malformed payload", extra={"reason": str(exc)})
            return web.Response(status=200)  # Slack retries anything else; retrying would not help
        except payloads.NotOurs as exc:
            log.info("ignored: not a request Media Desk handles", extra={"reason": str(exc)})
            return web.Response(status=200)
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, TypeError, KeyError, AttributeError):
            return web.json_response({"error": "malformed request body"}, status=400)
        bolt_response = await self.bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

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
