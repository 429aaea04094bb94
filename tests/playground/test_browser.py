"""The playground in headless Chromium, with Microsoft's Web Chat: a member of staff logs a journalist's call, a
comms officer claims it and drafts a statement, the director approves it, and the channel card shows it.
Screenshots of each step go to test-output/playground/."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest

from bot.app.config import Settings
from bot.clock import FrozenClock
from tests.playground.flows import log_a_call
from tests.playground.harness import CASEY, ROOT, STAFF, Playground, running_playground

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "test-output" / "playground"


@pytest.fixture
async def page() -> AsyncIterator[object]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")
    if not Settings().webchat_js.is_file():
        pytest.skip("Web Chat is not installed: run scripts/setup (needs npm)")
    from playwright.async_api import async_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"])
        page = await browser.new_page(viewport={"width": 1500, "height": 1100})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            yield page
        finally:
            await page.screenshot(path=str(SHOTS / "last.png"))
            await browser.close()
        assert errors == [], errors


async def test_staff_comms_and_director_in_turn(playground: Playground, page) -> None:  # noqa: ANN001
    from playwright.async_api import expect

    await page.goto(str(playground.server.make_url("/")))
    chat, channel = page.locator("#chat"), page.locator("#channel")
    await expect(page.get_by_role("heading", name="Your chat with Media Desk, as Sam Staff")).to_be_visible()
    box = chat.get_by_role("textbox")

    async def say(text: str, then: str) -> None:
        await box.fill(text)
        await box.press("Enter")
        await expect(chat.get_by_text(then).last).to_be_visible()

    async def press(where, title: str, then: str, pane=None) -> None:  # noqa: ANN001
        await where.get_by_role("button", name=title, exact=True).last.click()
        await expect((pane or where).get_by_text(then).last).to_be_visible()

    # Sam, a member of staff, logs the call in their chat.
    await say("media call", "Who is the journalist?")
    await say("Sam Reporter", "Which outlet are they from?")
    await say("BBC Essex", "What kind of outlet is it?")
    await press(chat, "TV or radio", "their phone number?")
    await say("01245 123456", "their email address?")
    await press(chat, "Skip", "What is the enquiry about?")
    await say("A&E waiting times at Basildon", "When do they need a response by?")
    await say("4pm", "Send to comms")
    await page.screenshot(path=str(SHOTS / "1-staff-review.png"))
    await press(chat, "Send to comms", "Sent to comms: MC-2026-0001")
    await expect(channel.get_by_text("Waiting for a comms officer to claim it")).to_be_visible()
    await expect(channel.get_by_role("button", name="Claim", exact=True)).to_have_count(0)  # not Sam's to press
    await page.screenshot(path=str(SHOTS / "2-staff-sent.png"))

    # Casey, a comms officer, claims it in the channel and drafts the statement in their chat.
    await page.get_by_role("button", name="Casey Comms").click()
    await expect(page.get_by_role("heading", name="Your chat with Media Desk, as Casey Comms")).to_be_visible()
    await press(channel, "Claim", "Claimed by Casey Comms")
    await press(channel, "Draft response", "Save draft", pane=chat)
    await chat.get_by_label("Draft response").last.fill("We are working hard to reduce waiting times at Basildon.")
    await chat.get_by_label("Spokesperson").last.select_option(label="Written statement only")
    await press(chat, "Save draft", "Draft v1", pane=channel)
    await press(channel, "Request sign-off", "Waiting for sign-off")
    await page.screenshot(path=str(SHOTS / "3-comms-drafted.png"))

    # Dana, the Director of Communications, approves it from her chat.
    await page.get_by_role("button", name="Dana Director").click()
    await expect(chat.get_by_text("Sign-off: MC-2026-0001")).to_be_visible()
    await expect(chat.get_by_text("We are working hard to reduce waiting times at Basildon.").last).to_be_visible()
    await press(chat, "Approve", "You approved version 1 of MC-2026-0001.")
    await expect(channel.get_by_text("Approved: ready to issue")).to_be_visible()
    await expect(channel.get_by_text("approved by Dana Director")).to_be_visible()
    # One card in the channel, changed in place.
    await expect(channel.get_by_text("Media enquiry MC-2026-0001: BBC Essex")).to_have_count(1)
    await page.screenshot(path=str(SHOTS / "4-director-approved.png"))


async def test_the_page_reconnects_after_a_restart(sqlite_url: str, clock: FrozenClock, page) -> None:  # noqa: ANN001
    from playwright.async_api import expect

    async for playground in running_playground(sqlite_url, clock):
        await log_a_call(await playground.pane(STAFF, "chat"))
        port = playground.server.port
        await page.goto(str(playground.server.make_url("/playground/#" + CASEY)))
        channel, chat = page.locator("#channel"), page.locator("#chat")
        await expect(channel.get_by_text("Waiting for a comms officer to claim it")).to_be_visible()
    # Stopped: the page says so, and the server's tokens are gone with it.
    await expect(page.get_by_role("status")).to_contain_text("reconnects by itself", timeout=10_000)
    await page.screenshot(path=str(SHOTS / "restart-1-down.png"))

    async for _restarted in running_playground(sqlite_url, clock, port=port):
        await expect(page.get_by_role("status")).to_have_text("Reconnected to Media Desk.", timeout=15_000)
        # The channel shows the open enquiry again, and Casey can act on it from the same page.
        await channel.get_by_role("button", name="Claim", exact=True).last.click(timeout=10_000)
        await expect(channel.get_by_text("Claimed by Casey Comms")).to_be_visible()
        await expect(channel.get_by_text("Media enquiry MC-2026-0001: BBC Essex")).to_have_count(1)
        box = chat.get_by_role("textbox")
        await box.fill("hello")
        await box.press("Enter")
        await expect(chat.get_by_text("Hello!").last).to_be_visible()
        await page.screenshot(path=str(SHOTS / "restart-2-reconnected.png"))
