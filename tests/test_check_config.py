"""`mediadesk check-config` says which flow an empty role leaves unable to work (and where to add people)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def check_config(tmp_path: Path, config: Path) -> str:
    env = {"PATH": "/usr/bin:/bin", "MEDIADESK_CONFIG": str(config),
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
    result = subprocess.run([sys.executable, "-m", "bot", "check-config"], capture_output=True, text=True, env=env,
                            cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_empty_role_is_a_warning_naming_the_flow(tmp_path: Path) -> None:
    config = tmp_path / "mediadesk.toml"
    config.write_text('[people]\ncomms_team = ["casey.comms@example.nhs.uk"]\n'
                      'director_of_comms = ["dana.director@example.nhs.uk"]\n', encoding="utf-8")
    said = check_config(tmp_path, config)
    assert ("Warning: heads_of_department is empty: the crisis holding line cannot name a head of department "
            f"(their email has to be typed each time). Add them to [people] in {config}.") in said
    assert "Warning: executives is empty: a statement or reactive press release" in said
    assert "Warning: spokespeople is empty: a draft response can only be a written statement" in said
    assert "Warning: on_call_directors is empty (and so is [on_call] rotation)" in said
    assert "comms_team is empty" not in said and "sign_off_delegates are empty" not in said


def test_the_example_organisation_leaves_no_flow_short_of_people(tmp_path: Path) -> None:
    said = check_config(tmp_path, ROOT / "mediadesk.example.toml")
    assert "heads_of_department: 2 people" in said
    assert "Warning" not in said


def test_nobody_at_all(tmp_path: Path) -> None:
    config = tmp_path / "mediadesk.toml"
    config.write_text("", encoding="utf-8")
    said = check_config(tmp_path, config)
    assert "Warning: comms_team is empty: nobody can claim a media enquiry or lead a crisis" in said
    assert "Warning: director_of_comms and sign_off_delegates are empty: nobody can sign off" in said
