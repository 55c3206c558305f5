"""Backends by name: what ``--backend`` and ``extract(backend=...)`` accept.

Every backend comes through one door, a plugin hook ``register_backends(register)`` that calls
``register(name, factory, summary=...)`` once per backend it offers. The built-in backends'
hooks live beside them (``extractor/rules/plugin.py``, ``extractor/llm/plugin.py``); other
packages offer theirs through the ``extractor.backends`` entry-point group:

    [project.entry-points."extractor.backends"]
    mybackend = "my_package.plugin:register_backends"

Hooks are loaded on first use, not when ``extractor`` is imported (as simonw/llm loads its
model plugins), and a hook that fails to load is reported when a backend is asked for, never
at import. A factory is called with the keyword options the caller gave (the CLI and
``extract(..., config=...)`` pass ``config``, the LLM settings) and must accept, and may
ignore, options it does not use; it is called only when its backend is asked for, so a
plugin's heavy imports belong inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any, Protocol

from extractor.backends.base import Backend
from extractor.errors import BackendUnavailable

ENTRY_POINT_GROUP = "extractor.backends"
# The built-in backends' hooks, loaded through the same door as the entry points.
BUILTIN_PLUGINS = ("extractor.rules.plugin", "extractor.llm.plugin")

Factory = Callable[..., Backend]


class Register(Protocol):
    """The ``register`` a plugin hook is given."""

    def __call__(self, name: str, factory: Factory, *, summary: str) -> None: ...


@dataclass(frozen=True)
class Registration:
    name: str
    factory: Factory
    summary: str  # one line for ``extractor backends``
    plugin: str  # where it came from: a module, or an entry point's value


class Registry:
    """The backends that plugins registered, by name (see the module docstring)."""

    def __init__(self, builtins: tuple[str, ...] = BUILTIN_PLUGINS) -> None:
        self._builtins = builtins
        self._registrations: dict[str, Registration] | None = None
        self._broken: dict[str, str] = {}  # plugin -> why it could not be loaded

    def registrations(self) -> list[Registration]:
        """Every registered backend, built-ins first, then plugins in entry-point order."""
        return list(self._loaded().values())

    def names(self) -> list[str]:
        return list(self._loaded())

    def broken_plugins(self) -> dict[str, str]:
        """Plugins that failed to load, and why."""
        self._loaded()
        return dict(self._broken)

    def create(self, name: str, **options: Any) -> Backend:
        """A new backend of that name, made by its factory with ``options``.

        Raises ``BackendUnavailable`` for a name nobody registered (naming the registered
        ones and any plugin that failed to load), a factory that fails, and a factory whose
        object is not a backend (no ``name``, ``capabilities`` or ``extract``).
        """
        registrations = self._loaded()
        if name not in registrations:
            known = ", ".join(registrations)
            broken = "".join(
                f"; plugin {plugin} failed to load ({why})" for plugin, why in self._broken.items()
            )
            raise BackendUnavailable(f"unknown backend {name!r}; choose one of {known}{broken}")
        registration = registrations[name]
        try:
            backend = registration.factory(**options)
        except BackendUnavailable:
            raise
        except Exception as error:  # a plugin's failure, told in one line
            raise BackendUnavailable(
                f"backend {name!r} could not be made ({registration.plugin}): "
                f"{type(error).__name__}: {error}"
            ) from error
        missing = [
            part for part in ("name", "capabilities", "extract") if not hasattr(backend, part)
        ]
        if missing:
            raise BackendUnavailable(
                f"backend {name!r} ({registration.plugin}) made {type(backend).__name__}, not a "
                f"backend: it has no {', '.join(missing)} (see extractor/backends/base.py)"
            )
        return backend

    def _loaded(self) -> dict[str, Registration]:
        if self._registrations is None:
            self._registrations = {}
            for module in self._builtins:
                import_module(module).register_backends(self._register_from(module))
            for entry_point in entry_points(group=ENTRY_POINT_GROUP):
                self._load_plugin(entry_point.value, entry_point.load)
        return self._registrations

    def _load_plugin(self, plugin: str, load: Callable[[], Any]) -> None:
        try:
            load()(self._register_from(plugin))
        except Exception as error:  # noqa: BLE001 - one broken plugin never stops the others
            self._broken[plugin] = f"{type(error).__name__}: {error}"

    def _register_from(self, plugin: str) -> Register:
        def register(name: str, factory: Factory, *, summary: str) -> None:
            assert self._registrations is not None
            if name in self._registrations:
                first = self._registrations[name].plugin
                raise ValueError(f"backend {name!r} is registered already, by {first}")
            self._registrations[name] = Registration(name, factory, summary, plugin)

        return register


REGISTRY = Registry()


def get_backend(name: str | Backend = "auto", **options: Any) -> Backend:
    """The backend registered under ``name``, made with ``options`` (see ``Registry.create``);
    a backend object is returned as it is."""
    if not isinstance(name, str):
        return name
    return REGISTRY.create(name, **options)
