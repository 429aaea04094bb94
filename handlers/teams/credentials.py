"""The bot's own tokens for the Bot Connector, fetched without blocking the event loop.

botbuilder's MicrosoftAppCredentials asks MSAL synchronously (inside the event loop) and insists on an https
authority it can discover online; this asks the login authority's token endpoint with aiohttp instead, and is
a pipeline policy, so the Connector client awaits it. Managed identities keep botbuilder's own factory.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
from botframework.connector.auth import ServiceClientCredentialsFactory
from msrest.pipeline import AsyncHTTPPolicy

DEFAULT_LOGIN_URL = "https://login.microsoftonline.com"
_EARLY_SECONDS = 300  # renew five minutes before the token expires


class _TokenSource:
    """One cached token per scope, shared by every Connector client; concurrent askers share one request."""

    def __init__(self, *, app_id: str, password: str, token_url: str) -> None:
        self._app_id, self._password, self._token_url = app_id, password, token_url
        self._tokens: dict[str, tuple[float, str]] = {}
        self._lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None

    async def token(self, scope: str) -> str:
        hit = self._tokens.get(scope)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        async with self._lock:
            hit = self._tokens.get(scope)
            if hit and hit[0] > time.monotonic():
                return hit[1]
            if self._session is None or self._session.closed:
                self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
            form = {"grant_type": "client_credentials", "client_id": self._app_id, "client_secret": self._password,
                    "scope": scope if scope.endswith("/.default") else f"{scope}/.default"}
            async with self._session.post(self._token_url, data=form) as response:
                body: dict[str, Any] = await response.json(content_type=None)
                if response.status != 200 or "access_token" not in body:
                    # Never log the body of a token request's answer in full: it can echo the client id.
                    raise PermissionError(f"the login authority refused a bot token ({response.status}: "
                                          f"{body.get('error', 'unknown error')})")
            expires = float(body.get("expires_in", 3600))
            self._tokens[scope] = (time.monotonic() + max(expires - _EARLY_SECONDS, 30), body["access_token"])
            return body["access_token"]

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


class AsyncBotCredentials(AsyncHTTPPolicy):
    """Sets `Authorization: Bearer <token>` on every Connector request (msrest pipeline policy)."""

    def __init__(self, source: _TokenSource, app_id: str, scope: str) -> None:
        super().__init__()
        self._source, self.microsoft_app_id, self.oauth_scope = source, app_id, scope

    async def send(self, request: Any, **kwargs: Any) -> Any:
        request.http_request.headers["Authorization"] = f"Bearer {await self._source.token(self.oauth_scope)}"
        assert self.next is not None  # the pipeline sets it before the first send
        return await self.next.send(request, **kwargs)


class AsyncCredentialsFactory(ServiceClientCredentialsFactory):
    def __init__(self, *, app_id: str, password: str, tenant: str, login_url: str | None = None) -> None:
        base = (login_url or DEFAULT_LOGIN_URL).rstrip("/")
        self.app_id = app_id
        self._source = _TokenSource(app_id=app_id, password=password, token_url=f"{base}/{tenant}/oauth2/v2.0/token")

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self.app_id

    async def is_authentication_disabled(self) -> bool:
        return False  # never: an app id is always configured when this is built

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str,
                                 validate_authority: bool) -> AsyncBotCredentials:
        if app_id != self.app_id:
            raise PermissionError("credentials asked for another app id")
        return AsyncBotCredentials(self._source, app_id, oauth_scope or "https://api.botframework.com")

    async def close(self) -> None:
        await self._source.close()
