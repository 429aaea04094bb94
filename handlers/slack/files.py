"""A file into a person's DM with Slack's external upload: ask for an upload URL, send the bytes there, complete it.

The file goes from disk to Slack as a stream (an export can be large: nothing holds it in memory), and is shared in
the DM only by `files.completeUploadExternal`, with the message that introduces it.
"""

from __future__ import annotations

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.core import FileToSend
from cards.text import escape_mrkdwn

UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=300)


class UploadFailed(Exception):
    """Slack did not take the file's bytes."""


async def send_file(client: AsyncWebClient, user: str, file: FileToSend, comment: str) -> str:
    """Share `file` in `user`'s DM with the bot, introduced by `comment`; the file's id."""
    opened = await client.conversations_open(users=user)
    channel = opened["channel"]["id"]
    size = file.path.stat().st_size
    ticket = await client.files_getUploadURLExternal(filename=file.name, length=size)
    session = client.session or aiohttp.ClientSession()
    try:
        with file.path.open("rb") as body:
            async with session.post(ticket["upload_url"], data=body, timeout=UPLOAD_TIMEOUT,
                                    headers={"Content-Type": "application/octet-stream"}) as answer:
                if answer.status != 200:
                    raise UploadFailed(f"the upload URL answered {answer.status}")
    finally:
        if session is not client.session:
            await session.close()
    await client.files_completeUploadExternal(files=[{"id": ticket["file_id"], "title": file.title}],
                                              channel_id=channel, initial_comment=escape_mrkdwn(comment))
    return str(ticket["file_id"])
