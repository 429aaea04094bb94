"""What the server's log keeps and what it leaves out."""

from __future__ import annotations

import logging

import pytest

from bot.app import logs


def test_a_tick_still_running_is_not_a_warning_but_other_scheduler_warnings_are(
        capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    logs.configure("INFO")
    try:
        scheduler = logging.getLogger("apscheduler.scheduler")
        scheduler.warning('Execution of job "%s" skipped: maximum number of running instances reached (%d)',
                          "nudge_tick", 1)
        scheduler.warning("Run time of job %s was missed by %s", "nudge_tick", "0:00:05")
        logging.getLogger("mediadesk.app").warning("xoxb-123-secret token in a message")
    finally:
        root.handlers[:], root.level = handlers, level
        logging.getLogger("apscheduler.scheduler").filters.clear()
    written = capsys.readouterr().err
    assert "maximum number of running instances" not in written
    assert "was missed by" in written
    assert "xoxb-123" not in written and "[redacted]" in written
