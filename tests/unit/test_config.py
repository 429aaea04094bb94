"""Unit tests for the organisation file (`load_org_config`): it loads, or names the file and line of a mistake."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app.config import ConfigError, OrgConfig, load_org_config
from bot.domain.people import Role

EXAMPLE = Path(__file__).resolve().parents[2] / "mediadesk.example.toml"


def write(tmp_path: Path, text: str, name: str = "mediadesk.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_org_config(path)
    return str(caught.value)


def test_the_shipped_example_loads() -> None:
    config = load_org_config(EXAMPLE)
    assert config.organisation.name == "NHS Mid and South Essex ICB"
    assert config.organisation.comms_mailbox == "msepartnership.comms@nhs.net"
    assert config.organisation.reference_prefix == "MC"
    assert config.tz == ZoneInfo("Europe/London")
    assert config.slack.comms_channel == "C0COMMS01"
    directory = config.directory()
    assert directory.people_with_comms() == ["alex.press@example.nhs.uk", "casey.comms@example.nhs.uk"]
    assert directory.roles_of("Dana.Director@example.nhs.uk") == frozenset({Role.DIRECTOR_OF_COMMS, Role.SPOKESPERSON})
    assert directory.people_with(Role.ON_CALL_DIRECTOR) == ["olivia.oncall@example.nhs.uk"]
    assert directory.name_of("harper.head@example.nhs.uk") == "Harper Head"


def test_no_file_means_the_defaults() -> None:
    config = load_org_config(None)
    assert config == OrgConfig()
    assert config.organisation.timezone == "Europe/London"
    assert config.directory().people_with_comms() == []


def test_an_empty_file_means_the_defaults(tmp_path: Path) -> None:
    assert load_org_config(write(tmp_path, "")) == OrgConfig()


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    assert error(path) == f"{path}: cannot read the configuration file (No such file or directory)"


def test_a_directory_instead_of_a_file_is_named(tmp_path: Path) -> None:
    message = error(tmp_path)
    assert message.startswith(f"{tmp_path}: cannot read the configuration file")


def test_a_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[organisation]\nname = "X"\ntimezone = "Europe/London\n')
    message = error(path)
    assert message.startswith(f"{path}: ")
    assert "line 3" in message


def test_a_missing_equals_sign_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '# comment\n\n[people]\ncomms_team ["a@example.nhs.uk"]\n')
    message = error(path)
    assert message.startswith(f"{path}: ")
    assert "line 4" in message


@pytest.mark.parametrize(
    ("text", "line", "where"),
    [
        ('[people]\ncomms_team = ["a@example.nhs.uk"]\ndirector_of_comms = ["not-an-email"]\n', 3,
         "people.director_of_comms.0"),
        ('[organisation]\nname = "X"\ncomms_mailbox = "comms at nhs.net"\n', 3, "organisation.comms_mailbox"),
        ('[organisation]\nname = "X"\n\n[people]\n# who\ncomms_team = ["a@example.nhs.uk", "bad"]\n', 6,
         "people.comms_team.1"),
    ],
    ids=["director", "mailbox", "second-in-list"],
)
def test_an_invalid_email_names_the_line(tmp_path: Path, text: str, line: int, where: str) -> None:
    path = write(tmp_path, text)
    message = error(path)
    assert message.startswith(f"{path}, line {line}: {where}: value is not a valid email address")


@pytest.mark.parametrize(
    ("text", "line", "where"),
    [
        ('[organisation]\nname = "X"\n\n[slack]\ncomms_channel = "C1"\ncolour = "blue"\n', 6, "slack.colour"),
        ('[organisation]\nname = "X"\ntime_zone = "Europe/London"\n', 3, "organisation.time_zone"),
        ('[organisation]\nname = "X"\n\n[teamz]\napp_id = "x"\n', 4, "teamz"),
        ('[people]\ncomms_team = []\ncomms = ["a@example.nhs.uk"]\n', 3, "people.comms"),
    ],
    ids=["slack-key", "organisation-key", "section", "people-key"],
)
def test_an_unknown_key_names_the_line(tmp_path: Path, text: str, line: int, where: str) -> None:
    path = write(tmp_path, text)
    assert error(path) == f"{path}, line {line}: {where}: Extra inputs are not permitted"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[organisation]\nname = "X"\ntimezone = "Europe/Londn"\n', 3),
        ('# Media Desk\n\n[slack]\ncomms_channel = "C1"\n\n[organisation]\n  timezone = "GMT+1"  # summer\n', 7),
        ('[organisation]\r\nname = "X"\r\ntimezone = "Mars/Base"\r\n', 3),
    ],
    ids=["typo", "after-another-section", "crlf"],
)
def test_a_bad_time_zone_names_the_line(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path, text)
    message = error(path)
    assert message.startswith(f"{path}, line {line}: organisation.timezone: Value error, unknown time zone ")


def test_a_bad_reference_prefix_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[organisation]\nreference_prefix = "mc"\n')
    assert error(path).startswith(f"{path}, line 2: organisation.reference_prefix: String should match pattern")


def test_every_mistake_is_reported_each_on_its_own_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[organisation]\ntimezone = "Nowhere"\n\n[people]\nexecutives = ["x"]\n')
    lines = error(path).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}, line 2: organisation.timezone:")
    assert lines[1].startswith(f"{path}, line 5: people.executives.0:")


def test_a_mistake_in_an_inline_table_names_the_file(tmp_path: Path) -> None:
    """Without a [section] header there is no line to point at; the file is still named."""
    path = write(tmp_path, 'organisation = { timezone = "Mars/Base" }\n')
    assert error(path).startswith(f"{path}, file: organisation.timezone:")


def test_a_comment_after_the_section_header_still_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[organisation]  # who we are\nname = "X"\ntimezone = "Europe/Londn"\n')
    assert error(path).startswith(f"{path}, line 3: organisation.timezone:")


def test_a_mistake_in_people_names_names_its_own_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[people]\ncomms_team = ["a@example.nhs.uk"]\n\n[people.names]\n"a@example.nhs.uk" = 3\n')
    assert error(path).startswith(f"{path}, line 5: people.names.a@example.nhs.uk:")


def test_press_release_stage_times(tmp_path: Path) -> None:
    from datetime import timedelta

    from bot.domain.press_release import PressState, PressTimings, ReleaseKind

    path = tmp_path / "org.toml"
    path.write_text('[press_releases]\nproactive_days = { first_draft = 4 }\nreactive_hours = { deciding = 0.5 }\n'
                    'reactive_repeat_hours = 1\n')
    timings = load_org_config(path).press_releases.timings()
    assert timings.stage(ReleaseKind.PROACTIVE, PressState.FIRST_DRAFT) == timedelta(days=4)
    assert timings.stage(ReleaseKind.REACTIVE, PressState.DECIDING) == timedelta(minutes=30)
    assert timings.repeat(ReleaseKind.REACTIVE) == timedelta(hours=1)
    default = PressTimings()
    assert timings.stage(ReleaseKind.PROACTIVE, PressState.COMMENTS) == default.stage(ReleaseKind.PROACTIVE,
                                                                                       PressState.COMMENTS)


@pytest.mark.parametrize(("text", "said"), [
    ('[press_releases]\nproactive_days = { frist_draft = 2 }\n', "frist_draft"),
    ('[press_releases]\nreactive_hours = { deciding = 0 }\n', "more than 0"),
])
def test_a_bad_press_release_stage_time_is_named(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "org.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_org_config(path)
    assert said in str(caught.value) and "line 2" in str(caught.value)
