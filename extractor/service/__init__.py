"""The extraction service: ``extractor serve``'s HTTP API, its job store and runner, and the
page for people. ``create_app`` makes the ASGI app; ``ServiceSettings`` configures it."""

from extractor.service.app import create_app
from extractor.service.settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]
