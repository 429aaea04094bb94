"""The Slack door: Bolt listeners that translate, and the outbound delivery of cards."""

from __future__ import annotations

import logging

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.core import Core
from handlers.slack.delivery import SlackDelivery
from handlers.slack.identity import SlackIdentity
from handlers.slack.listeners import SlackContext, register


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

    async def handle(self, request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        bolt_response = await self.bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def close(self) -> None:
        if not self._session.closed:
            await self._session.close()
