"""The HTML pages the product renders, all from one set of Jinja2 templates.

The eval report, the service's page and the batch viewer show the same things (an article
with its evidence coloured, meeting records as tables), so they share one base page, one
stylesheet and one set of macros (``templates/macros.html.jinja``) instead of each building
its own markup. Every page is self-contained: the CSS is inline, there are no scripts, no
external assets and no front-end build step, so a page opens from a file or an e-mail.

The article and every value in a record are untrusted text: the environment escapes
everything it prints (``autoescape``), and a variable a template names but was not given is
an error rather than an empty string (``StrictUndefined``). Templates take plain dicts
(``ExtractionResult.model_dump(mode="json")``), so a result read back from a JSON file
renders exactly as a fresh one.

Macros (import them with ``{% import "macros.html.jinja" as m %}``):

- ``article(segs)``: the article as ``<div class="article">``, each highlighted segment (see
  ``segments``) a ``<mark class="mK" data-meeting="I" data-fields="f g" title="meeting N:
  f, g">``, where I is the 0-based meeting index, N = I + 1 and K = I % len(PALETTE);
- ``meeting_table(meeting, index, label="Meeting", swatch=true)``: one meeting record as a
  ``<table class="meeting">`` headed "Meeting N" (N = index + 1) with its colour swatch;
- ``legend(meetings)``: ``<ul class="legend">``, a swatch and the participants per meeting;
- ``swatch(index)``, ``meeting_class(index)`` (``"mK"``) and ``value(v)`` (any JSON value as
  text, ``–`` for null).

CSS classes of the shared stylesheet (``base.html.jinja``): ``m0`` … ``m7`` (a meeting's
background, from ``PALETTE``), ``article``, ``meeting``, ``inner``, ``legend``, ``swatch``,
``grid``, ``meta``, ``bad``, ``none``.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from extractor.views.highlight import PALETTE, Segment, colour, segments

__all__ = ["PALETTE", "Segment", "colour", "environment", "render", "segments"]


@cache
def environment() -> Environment:
    """The one Jinja2 environment every page renders through, made on first use.

    Its templates are the package's ``templates/*.jinja`` (read with the package, so an
    installed copy finds them); its globals are ``palette`` (``PALETTE``), ``colour`` and
    ``segments``. Use it for a template of one's own built with ``from_string`` that imports
    the shared macros; pages of the package go through ``render``.
    """
    env = Environment(
        loader=PackageLoader("extractor.views", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(palette=PALETTE, colour=colour, segments=segments)
    return env


def render(template: str, **context: object) -> str:
    """The page ``template`` (a name under ``templates/``, e.g. ``"eval_report.html.jinja"``)
    rendered with ``context``; every value printed is HTML-escaped.

    Raises ``jinja2.TemplateNotFound`` for an unknown name and ``jinja2.UndefinedError`` when
    the template uses a variable that ``context`` does not give.
    """
    return environment().get_template(template).render(**context)
