"""An organisation that names nobody in a role a flow needs: the form asks for the person's email instead of
offering an empty list, and says who has to be added to the configuration, and where."""

from __future__ import annotations

from datetime import datetime

from tests.playground.harness import CASEY, example_org, find_submit, running_playground
from tests.teams.harness import card_text

EVAN = "evan.exec@example.nhs.uk"


def _inputs(card: dict) -> dict[str, dict]:
    return {item["id"]: item for item in card["body"] if str(item.get("type", "")).startswith("Input.")}


async def test_no_heads_of_department_means_their_email_is_typed(database_url: str, clock: datetime) -> None:
    org = example_org()
    org = org.model_copy(update={"people": org.people.model_copy(update={"heads_of_department": []})})
    async for playground in running_playground(database_url, clock, org=org):
        evan = await playground.pane(EVAN, "chat")
        await evan.say("crisis")
        await evan.say("A fire in the car park at Basildon hospital")
        await evan.press(await evan.card_saying("Alert comms now"), "🚨 Alert comms now")
        channel = await playground.pane(CASEY, "channel")
        await channel.press(await channel.card_saying("I'll lead this"), "I'll lead this")
        await channel.press(await channel.card_saying("lead Casey Comms"), "Draft holding line")
        casey = await playground.pane(CASEY, "chat")
        form = await casey.card_saying("Send for sign-off")
        head = _inputs(form)["head_of_department"]
        assert head["type"] == "Input.Text" and head["style"] == "email"
        shown = card_text(form).replace("\\", "")  # as a person reads it: Markdown's escapes gone
        assert "Add heads_of_department to [people] in mediadesk.toml" in shown
        assert all(i.get("choices") for i in _inputs(form).values() if i["type"] == "Input.ChoiceSet")

        await casey.press(form, "Send for sign-off", text="We are aware of a fire and everyone is safe.",
                          head_of_department="not an email")
        refused = await casey.card_saying("isn't a valid email address")
        await casey.press(refused, "Send for sign-off", text="We are aware of a fire and everyone is safe.",
                          head_of_department="Dana.Director@example.nhs.uk")
        dana = await playground.pane("dana.director@example.nhs.uk", "chat")
        asked = await dana.card_saying("We are aware of a fire")
        assert find_submit(asked, "Approve") is not None
