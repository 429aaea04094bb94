"""The Teams door: Bot Framework authentication on every request, the activity handler, proactive delivery."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Literal

import requests
from aiohttp import web
from botbuilder.core import TurnContext, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, CallerIdConstants
from botframework.connector.auth import AuthenticateRequestResult, AuthenticationConstants, ClaimsIdentity

from bot.ports import InboundRequest, ReferenceStore
from bot.services import inbox, undelivered
from bot.services.core import Core
from handlers import bounded_json
from handlers.teams import shape
from handlers.teams.bot import KEPT_TYPES, MediaDeskTeamsBot, request_key
from handlers.teams.credentials import AsyncCredentialsFactory
from handlers.teams.delivery import TeamsDelivery
from handlers.teams.identity import TeamsIdentity

log = logging.getLogger("mediadesk.teams")

AppType = Literal["SingleTenant", "MultiTenant", "UserAssignedMSI"]  # how the Azure Bot registration signs in


@dataclass(frozen=True)
class BotFrameworkConfig:
    """The configuration object botbuilder reads (attribute names are botbuilder's)."""

    APP_ID: str
    APP_PASSWORD: str | None
    APP_TYPE: str
    APP_TENANTID: str | None
    # Overrides (tests, sovereign clouds). botbuilder switches to its "parameterized" mode when any is set,
    # and then needs all of them: the rest get the public cloud's values (see `_overrides`).
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str | None = None
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str | None = None
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str | None = None
    TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: str | None = None
    OAUTH_URL: str | None = None
    CALLER_ID: str | None = None


class TeamsDoor:
    """Everything Teams needs at run time, built once per application (never at import)."""

    def __init__(self, *, app_id: str | None, password: str | None, tenant_id: str | None,
                 app_type: AppType = "SingleTenant", openid_metadata_url: str | None = None,
                 login_url: str | None = None, core: Core, store: ReferenceStore, comms_channel: str | None) -> None:
        if not app_id or not tenant_id or (not password and app_type != "UserAssignedMSI"):
            # botbuilder treats an empty app id as "authentication disabled": never build that.
            raise ValueError("the Teams door needs MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and "
                             "MICROSOFT_APP_TENANT_ID")
        self.app_id = app_id
        self.tenant_id = tenant_id
        login_base = (login_url or "").rstrip("/") or None
        # Tokens for a single-tenant bot come from its own tenant; everyone else's from botframework.com.
        token_tenant = tenant_id if app_type == "SingleTenant" else "botframework.com"
        self.config = BotFrameworkConfig(
            APP_ID=app_id, APP_PASSWORD=password, APP_TYPE=app_type, APP_TENANTID=tenant_id,
            **_overrides(openid_metadata_url, login_base, token_tenant))
        self._credentials: AsyncCredentialsFactory | None = None
        if app_type != "UserAssignedMSI":
            self._credentials = AsyncCredentialsFactory(app_id=app_id, password=password or "", tenant=token_tenant,
                                                        login_url=login_base)
        self.auth = ConfigurationBotFrameworkAuthentication(self.config, credentials_factory=self._credentials)
        self.adapter = CloudAdapter(self.auth)
        self.adapter.on_turn_error = self._on_turn_error
        self._store = store
        self._core = core
        self._live: set[str] = set()  # activities accepted by this process and not yet finished
        self.identity = TeamsIdentity()
        self.delivery = TeamsDelivery(adapter=self.adapter, app_id=self.app_id, store=store,
                                      comms_channel=comms_channel,
                                      on_gone=lambda message, reason: undelivered.recipient_unreachable(
                                          core, message, reason))
        self.bot = MediaDeskTeamsBot(core=core, identity=self.identity, store=store,
                                     send_to_user=self.delivery.to_user)

    async def handle(self, request: web.Request) -> web.Response:
        if request.content_type != "application/json":
            return web.json_response({"error": "Bot Framework activities are JSON"}, status=415)
        try:
            body = bounded_json.loads(await request.read())
        except bounded_json.BadJson as exc:
            log.info("refused: malformed activity body", extra={"reason": str(exc)})
            return web.json_response({"error": "malformed JSON"}, status=400)
        if not isinstance(body, dict):
            return web.json_response({"error": "an activity is a JSON object"}, status=400)
        try:
            shape.check(body)
        except shape.WrongShape as exc:
            log.info("refused: malformed activity", extra={"reason": str(exc)})
            return web.json_response({"error": "malformed activity"}, status=400)
        tenants = _tenants_of(body)
        if not tenants or tenants != {(self.tenant_id or "").lower()}:
            log.info("activity from another tenant refused")
            return web.json_response({"error": "this bot serves one organisation only"}, status=403)
        try:
            activity = Activity().deserialize(body)
        except Exception:  # noqa: BLE001 - msrest raises several kinds for a body of the wrong shape
            return web.json_response({"error": "malformed activity"}, status=400)
        if not activity.type or not isinstance(activity.type, str):
            return web.json_response({"error": "an activity needs a type"}, status=400)
        try:
            # The signature, issuer, audience (our app id), expiry, endorsements and serviceUrl claim.
            authenticated = await self.auth.authenticate_request(activity, request.headers.get("Authorization", ""))
        except requests.RequestException:
            log.warning("could not fetch the Bot Framework signing keys")
            return web.json_response({"error": "cannot verify the request just now"}, status=503)
        except Exception as exc:  # noqa: BLE001 - a garbage token fails in many ways: all of them are 401
            log.info("Bot Framework authentication failed: %s: %s", type(exc).__name__, exc)
            return web.json_response({"error": "unauthorized"}, status=401)
        key = request_key(activity) if activity.type in KEPT_TYPES else None
        if key is not None and not await self._keep(key, activity, body):
            log.info("an activity kept before: answered, not done again")
            if activity.type == "invoke":
                return web.json_response({"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                                          "value": "Done."})
            return web.Response(status=201)
        try:
            # Errors inside the bot's turn are the adapter's on_turn_error (logged, answered politely).
            invoke_response = await self.adapter.process_activity(authenticated, activity, self.bot.on_turn)
        finally:
            if key is not None:
                await self._finished(key)
        if invoke_response:
            return web.json_response(invoke_response.body, status=invoke_response.status,
                                     dumps=lambda o: json.dumps(_serialise(o)))
        return web.Response(status=201)

    async def _keep(self, key: str, activity: Activity, body: dict) -> bool:
        """Keep the activity before Teams hears back (False: kept before); if the database can't take it,
        the turn still runs and says what went wrong."""
        person = (activity.from_property.id if activity.from_property else "") or ""
        try:
            fresh = await inbox.accept(self._core, InboundRequest(key, "teams", person, json.dumps(body)))
        except Exception:
            log.exception("could not keep a Teams activity in the inbox")
            return True
        if fresh:
            self._live.add(key)
        return fresh

    async def _finished(self, key: str) -> None:
        self._live.discard(key)
        await inbox.finish_or_warn(self._core, key)

    async def recover(self, *, every_lease: bool = False) -> int:
        """Finish the activities a crash cut off, through the same turn, one person's in the order they came.
        (They were authenticated when they arrived; the answer to a click cut off this way is not shown.)"""
        return await inbox.finish_cut_off(self._core, "teams", self._live, self._replay, every_lease=every_lease)

    async def _replay(self, request: InboundRequest) -> None:
        log.info("finishing a Teams activity a restart cut off", extra={"key": request.key[:60]})
        try:
            activity = Activity().deserialize(json.loads(request.body))
            await self.adapter.process_activity(self._authenticated_before(), activity, self.bot.on_turn)
        except Exception:  # noqa: BLE001 - the lease runs out and it is tried again
            log.warning("could not finish a Teams activity cut off by a restart", exc_info=True)
            return
        await self._finished(request.key)

    def _authenticated_before(self) -> AuthenticateRequestResult:
        """What authenticating the activity gave when it arrived: our app id as audience, Teams as caller."""
        claims = ClaimsIdentity({AuthenticationConstants.AUDIENCE_CLAIM: self.app_id}, True)
        result = AuthenticateRequestResult()
        result.claims_identity = claims
        result.audience = self.auth.get_originating_audience()
        result.caller_id = self.config.CALLER_ID or CallerIdConstants.public_azure_channel
        result.connector_factory = self.auth.create_connector_factory(claims)
        return result

    async def _on_turn_error(self, turn_context: TurnContext, error: Exception) -> None:
        log.error("a Teams turn failed", exc_info=error)
        if turn_context.activity.type == "message":
            try:
                await turn_context.send_activity("Sorry, something went wrong. Please try again in a minute.")
            except Exception:  # noqa: BLE001 - nothing more to do
                log.warning("could not apologise in Teams")

    async def close(self) -> None:
        if self._credentials is not None:
            await self._credentials.close()


def _overrides(openid_metadata_url: str | None, login_base: str | None, tenant: str) -> dict[str, str]:
    if not (openid_metadata_url or login_base):
        return {}  # the public cloud, botbuilder's built-in behaviour
    return {
        "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": openid_metadata_url
        or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
        "TO_CHANNEL_FROM_BOT_LOGIN_URL": f"{login_base or 'https://login.microsoftonline.com'}/{tenant}",
        "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        "TO_CHANNEL_FROM_BOT_OAUTH_SCOPE": AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
        "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL": AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
        "OAUTH_URL": AuthenticationConstants.OAUTH_URL,
        "CALLER_ID": CallerIdConstants.public_azure_channel,
    }


def _tenants_of(body: dict) -> set[str]:
    """Every tenant the activity names (channelData.tenant.id, conversation.tenantId); all must be ours."""
    found: list[object] = []
    channel_data = body.get("channelData")
    if isinstance(channel_data, dict) and isinstance(channel_data.get("tenant"), dict):
        found.append(channel_data["tenant"].get("id"))
    if isinstance(body.get("conversation"), dict):
        found.append(body["conversation"].get("tenantId"))
    return {str(t).lower() for t in found if t}


def _serialise(value: object) -> object:
    return serializer_helper(value) if hasattr(value, "serialize") else value
