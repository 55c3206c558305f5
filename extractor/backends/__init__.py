"""Backends: the contract they implement (``base``), the registry that names them, and the
fallback that chains two of them."""

from extractor.backends.base import (
    AsyncBackend,
    Backend,
    BackendOutput,
    Capabilities,
    close_backend,
)
from extractor.backends.fallback import FallbackBackend
from extractor.backends.registry import REGISTRY, Register, Registry, get_backend

__all__ = [
    "REGISTRY",
    "AsyncBackend",
    "Backend",
    "BackendOutput",
    "Capabilities",
    "FallbackBackend",
    "Register",
    "Registry",
    "close_backend",
    "get_backend",
]
