"""Fixtures for these tests: the contract-speaking fake server."""

from tests.fakes.binks_fixture import fake_binks

__all__ = ["fake_binks"]
