"""What either chat door answers when a request is refused, or fails after it was accepted (never silence)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.domain.errors import DomainError
from bot.services.core import Reply

SOMETHING_WENT_WRONG = ("Sorry, something went wrong and this was not recorded. Please try again in a minute. "
                        "If it keeps happening, email the communications team with the details instead.")


async def guarded(run: Callable[[], Awaitable[Reply]], log: logging.Logger, failed: str) -> Reply:
    """A refused request becomes a polite private reply, a failure an apology (logged as `failed`)."""
    try:
        return await run()
    except DomainError as exc:
        return Reply(text=exc.message)
    except Exception:
        log.exception(failed)
        return Reply(text=SOMETHING_WENT_WRONG)
