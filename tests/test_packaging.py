"""The package as users get it: a wheel, installed away from the source tree.

A file read from the repository rather than from the package works in a checkout and fails
once installed, so these tests build the wheel (offline, with the test environment's
setuptools), install it into a directory of its own and use it from a process whose current
directory is not the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from extractor.seed import seed_article_path

from .conftest import REPO, SEED

# Left out of the copy the wheel is built from: git's and tools' files, and earlier builds.
_NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".*cache", ".hypothesis", "build", "dist", "*.egg-info", "__pycache__", "*.pyc"
)
_PIP = (sys.executable, "-m", "pip")
_OFFLINE = ("--no-deps", "--no-index", "--quiet")
_MARKER = "AN ACCIDENTAL SIBLING PROMPT"
# Run in the installed copy: where the package is, the seed article, the rendered prompt and
# the base page of the HTML views.
_PROBE = """
import json, extractor
from extractor.seed import seed_article_path
from extractor.ingest import document_from_text
from extractor.llm.prompts import body_text, render
article = seed_article_path().read_text(encoding="utf-8")
document = document_from_text(article)
prompt = render(document, body_text(document))
from extractor.views import render as render_page
page = render_page("base.html.jinja")
print(json.dumps({"package": extractor.__file__, "article": article, "system": prompt.system,
                  "page": page}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a clean copy of the sources (no stale build/ directory)."""
    source = tmp_path_factory.mktemp("checkout") / "extractor"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCES)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [*_PIP, "wheel", *_OFFLINE, "--no-build-isolation", "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("extractor-*.whl")
    return built


def test_the_wheel_carries_the_seed_article_and_the_prompts(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "extractor/data/seed-article.txt",
        "extractor/prompts/README.md",
        "extractor/prompts/extract-v1/system.jinja",
        "extractor/prompts/extract-v1/user.jinja",
    } <= names
    assert not any(name.startswith("prompts/") for name in names)  # nothing outside the package


def test_the_wheel_carries_the_page_templates(wheel: Path) -> None:
    """extractor.views loads its templates from the package (PackageLoader)."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "extractor/views/templates/base.html.jinja",
        "extractor/views/templates/macros.html.jinja",
        "extractor/views/templates/eval_report.html.jinja",
    } <= names


def test_the_installed_package_reads_its_own_article_and_prompts(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site-packages"
    subprocess.run(
        [*_PIP, "install", *_OFFLINE, "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    # A prompts/ folder beside the package, as another distribution could install one, and
    # one in the current directory: neither is the package's.
    for root in (site, tmp_path):
        planted = root / "prompts" / "extract-v1"
        planted.mkdir(parents=True)
        for name in ("system.jinja", "user.jinja"):
            (planted / name).write_text(_MARKER)
    environment = {**os.environ, "PYTHONPATH": str(site)}
    environment.pop("EXTRACTOR_PROMPTS_DIR", None)
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=tmp_path,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(probe.stdout)
    assert Path(found["package"]).is_relative_to(site)  # the installed copy, not the checkout
    assert found["article"] == SEED.read_text(encoding="utf-8")
    assert _MARKER not in found["system"]
    assert found["system"].startswith("You extract")
    assert found["page"].startswith("<!doctype html>") and ".m0{background:" in found["page"]


def test_the_packaged_seed_article_is_the_labelled_one() -> None:
    assert seed_article_path().read_bytes() == SEED.read_bytes()
