"""The seams of the package: layers that import only downwards, and backends that come in
through one door, the built-in ones and a third party's alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from extractor.backends import Registry

from .conftest import REPO, SEED

BIN = Path(sys.executable).parent


def test_each_layer_imports_only_the_layers_below_it() -> None:
    """The contract in pyproject.toml ([tool.importlinter]), checked by import-linter."""
    check = subprocess.run(
        [BIN / "lint-imports"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


def plugin_wheel(directory: Path, name: str, module: str) -> Path:
    """A wheel of a package that offers its backends through the ``extractor.backends`` entry
    point: one module and its metadata (written here, as the machine has no wheel builder)."""
    package = name.replace("-", "_")
    dist_info = f"{package}-0.1.dist-info"
    files = {
        f"{package}.py": textwrap.dedent(module),
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
        f"{dist_info}/entry_points.txt": "[extractor.backends]\n"
        f"{name} = {package}:register_backends\n",
    }
    files[f"{dist_info}/RECORD"] = "".join(f"{path},,\n" for path in files) + (
        f"{dist_info}/RECORD,,\n"
    )
    wheel = directory / f"{package}-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


SHOUT = '''
"""A third party's backend: it finds no meeting and says how long the article is."""
from typing import Any

from extractor.backends import BackendOutput, Capabilities


class Shout:
    name = "shout"
    capabilities = Capabilities(process_safe=True)

    def __init__(self, volume: int) -> None:
        self.volume = volume

    def extract(self, document: Any) -> BackendOutput:
        words = len(document.text.split())
        return BackendOutput([], [f"{words} words" + "!" * self.volume])


def register_backends(register: Any) -> None:
    register("shout", lambda volume=1, **options: Shout(volume), summary="counts words")
'''
BROKEN = "import a_dependency_nobody_installed\n"
RIVAL = (
    "def register_backends(register):\n"
    "    register('rules', lambda **options: None, summary='another rules')\n"
)


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three plugin packages, built and installed by pip into a directory of their own: one
    that works, one that cannot be imported, one that takes a built-in's name."""
    wheels = tmp_path_factory.mktemp("wheels")
    plugins = [("extractor-shout", SHOUT), ("extractor-broken", BROKEN), ("extractor-rival", RIVAL)]
    built = [str(plugin_wheel(wheels, name, module)) for name, module in plugins]
    site = tmp_path_factory.mktemp("site")
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index"]
    subprocess.run([*install, "--target", str(site), *built], check=True, capture_output=True)
    return site


def run_with(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    return subprocess.run(args, env=env, capture_output=True, text=True, check=False)


def extractor_command(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_with(site, sys.executable, "-m", "extractor", *args)


def test_a_third_party_backend_runs_from_the_cli(plugin_site: Path) -> None:
    listed = extractor_command(plugin_site, "backends")
    assert "shout: counts words  [extractor_shout:register_backends]" in listed.stdout
    for workers in ("1", "2"):
        run = extractor_command(
            plugin_site,
            "extract",
            str(SEED),
            str(SEED.parent / "a-bilateral-fm-brazil-india.txt"),
            "--backend",
            "shout",
            "--workers",
            workers,
            "-q",
        )
        assert run.returncode == 0, run.stderr
        lines = [json.loads(line) for line in run.stdout.splitlines()]
        assert [line["backend"] for line in lines] == ["shout", "shout"]
        assert lines[0]["warnings"] == [f"{len(SEED.read_text().split())} words!"]


def test_a_third_party_backend_runs_from_python_with_its_options(plugin_site: Path) -> None:
    program = (
        "from extractor import extract; "
        "print(extract('Talks were held.', backend='shout', volume=3).warnings)"
    )
    run = run_with(plugin_site, sys.executable, "-c", program)
    assert run.stdout.strip() == "['3 words!!!']", run.stderr


def test_broken_and_rival_plugins_are_reported_and_the_others_still_work(
    plugin_site: Path,
) -> None:
    listed = extractor_command(plugin_site, "backends")
    assert listed.returncode == 0
    assert [line.split(":")[0] for line in listed.stdout.splitlines()] == [
        "rules",
        "llm",
        "auto",
        "shout",
    ]
    assert (
        "plugin extractor_broken:register_backends failed to load: ModuleNotFoundError"
        in listed.stderr
    )
    assert "backend 'rules' is registered already, by extractor.rules.plugin" in listed.stderr
    unknown = extractor_command(plugin_site, "extract", str(SEED), "--backend", "nope")
    assert unknown.returncode == 2 and "plugin extractor_broken" in unknown.stderr
    rules = extractor_command(plugin_site, "extract", str(SEED), "--backend", "rules", "-q")
    assert json.loads(rules.stdout)["backend"] == "rules"


def test_the_registry_loads_no_plugin_before_it_is_used() -> None:
    registry = Registry()
    assert registry._registrations is None  # created, nothing imported yet
    assert registry.names()[:3] == ["rules", "llm", "auto"]
