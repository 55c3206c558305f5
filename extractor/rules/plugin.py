"""Registers the rule-based backend (see ``extractor.backends.registry``)."""

from __future__ import annotations

from typing import Any

from extractor.backends import Backend, Register


def register_backends(register: Register) -> None:
    register("rules", _rules, summary="offline patterns and gazetteers; no key, no network")


def _rules(**options: Any) -> Backend:
    from extractor.rules.backend import RulesBackend

    return RulesBackend()
