from __future__ import annotations

import json
import logging

import pytest

from binks.logs import configure_logging, log_context


def test_json_lines_carry_thread_and_run_ids(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json", "INFO")
    try:
        with log_context(thread_id="t-1", run_id="r-9"):
            logging.getLogger("binks.test").info("scaled %s", "web")
        logging.getLogger("binks.test").info("outside")
    finally:
        configure_logging("text", "WARNING")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["message"] == "scaled web"
    assert (lines[0]["thread_id"], lines[0]["run_id"]) == ("t-1", "r-9")
    assert (lines[1]["thread_id"], lines[1]["run_id"]) == ("-", "-")


def test_configuring_twice_does_not_duplicate_lines(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("text", "INFO")
    configure_logging("text", "INFO")
    try:
        with log_context(thread_id="abc"):
            logging.getLogger("binks.test").info("once")
    finally:
        configure_logging("text", "WARNING")
    err = capsys.readouterr().err
    assert err.count("once") == 1
    assert "[thread=abc run=-]" in err
