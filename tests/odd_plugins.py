"""Backends that break the contract in the ways a third party's might, registered through the
same hook as the built-in ones (see tests/test_plugin_contract.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from extractor.backends import BackendOutput, Capabilities, Register


class Garbage:
    name = "garbage"
    capabilities = Capabilities()

    def extract(self, document: Any) -> Any:
        return {"meetings": []}


class Crowded:
    """An async backend that counts how many documents are in its ``aextract`` at once."""

    name = "crowded"
    capabilities = Capabilities(concurrency=4)

    def __init__(self) -> None:
        self.inside = self.most = 0

    def extract(self, document: Any) -> BackendOutput:
        return BackendOutput([])

    async def aextract(self, document: Any) -> BackendOutput:
        self.inside += 1
        self.most = max(self.most, self.inside)
        await asyncio.sleep(0.005)
        self.inside -= 1
        return BackendOutput([])


class Nameless:
    capabilities = Capabilities()

    def extract(self, document: Any) -> BackendOutput:
        return BackendOutput([])


def _raises(**options: Any) -> Any:
    raise RuntimeError("the model file is missing")


def register_backends(register: Register) -> None:
    register("raises", _raises, summary="a factory that fails")
    register("none", lambda **options: None, summary="a factory that makes nothing")
    register("nameless", lambda **options: Nameless(), summary="a backend without a name")
    register("garbage", lambda **options: Garbage(), summary="returns a dict")
    register("crowded", lambda **options: Crowded(), summary="async, concurrency 4")
