"""A file into a person's chat the Teams way: a file consent card, then (once they accept) the bytes PUT to the
upload URL Teams gives (their OneDrive), then a file info card in the chat that opens it."""

from __future__ import annotations

from typing import Any

import aiohttp
from botbuilder.schema import Attachment

from bot.services.core import FileToSend
from cards.text import truncate

FILE_CONSENT = "fileConsent/invoke"  # the invoke that answers a consent card
CONSENT = "application/vnd.microsoft.teams.card.file.consent"
INFO = "application/vnd.microsoft.teams.card.file.info"
CONTEXT_KEY = "md_file"  # in the card's accept and decline contexts: the words that write the file again
UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=300)


def consent_card(file: FileToSend, text: str) -> Attachment:
    """Ask to put `file` in the person's OneDrive (Teams shows its name and size, with Allow and Decline)."""
    context = {CONTEXT_KEY: file.request}
    return Attachment(content_type=CONSENT, name=file.name, content={
        "description": truncate(f"{text} {file.title}.", 1000),
        "sizeInBytes": file.path.stat().st_size,
        "acceptContext": context,
        "declineContext": context,
    })


async def upload(file: FileToSend, url: str) -> None:
    """PUT the whole file to a OneDrive upload session in one request (Content-Range names every byte)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError("no upload URL")
    size = file.path.stat().st_size
    headers = {"Content-Length": str(size), "Content-Range": f"bytes 0-{size - 1}/{size}"}
    async with aiohttp.ClientSession(timeout=UPLOAD_TIMEOUT) as session:
        with file.path.open("rb") as body:
            async with session.put(url, data=body, headers=headers) as answer:
                if answer.status not in (200, 201):
                    raise RuntimeError(f"the upload URL answered {answer.status}")


def file_info_card(info: dict[str, Any]) -> Attachment:
    """The uploaded file in the chat: Teams opens it from the person's OneDrive."""
    return Attachment(content_type=INFO, name=str(info.get("name") or ""), content_url=str(info.get("contentUrl") or ""),
                      content={"uniqueId": info.get("uniqueId"), "fileType": info.get("fileType")})
