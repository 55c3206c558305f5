"""The page for people (filled in below)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from extractor.service.app import Service


def page_routes(app: FastAPI, service: Service) -> None:
    """Register the page's routes."""
