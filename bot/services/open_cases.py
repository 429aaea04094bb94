"""Every open case's channel card, queued again: a comms channel that starts again empty (the playground's, after
a restart) shows what is still going on, each card where it was (changed in place) or posted afresh."""

from __future__ import annotations

from bot.services import crisis_effects, enquiries, press_release_effects
from bot.services.core import Core


async def show_again(core: Core, platform: str) -> int:
    """Queue the channel card of each open enquiry, crisis and press release raised on `platform`, oldest
    first; how many."""
    ctx, shown = core.ctx(), 0
    async with core.uow() as uow:
        for ref in await uow.enquiries.open_refs():
            enquiry = await uow.enquiries.get(ref)
            if enquiry is not None and (enquiry.reporter.platform or "slack") == platform:
                await enquiries.update_card(uow, core, ctx, enquiry, await uow.drafts.latest(ref))
                shown += 1
        for ref in await uow.crises.open_refs():
            crisis = await uow.crises.get(ref)
            if crisis is not None and (crisis.reporter.platform or "slack") == platform:
                await crisis_effects.update_card(uow, core, ctx, crisis)
                shown += 1
        for ref in await uow.press_releases.open_refs():
            release = await uow.press_releases.get(ref)
            if release is not None and (release.requester.platform or "slack") == platform:
                await press_release_effects.update_channel_card(uow, core, ctx, release)
                shown += 1
        await uow.commit()
    return shown
