"""Fixtures for these tests: the contract-speaking fake server and the real server."""

from tests.fakes.binks_fixture import fake_binks, real_binks

__all__ = ["fake_binks", "real_binks"]
