"""The report files of one audit: ``audit.html``, ``audit.md``, ``audit.json``, ``junit.xml``.

Every file is rendered before any is written, and each is written through ``write_atomic``: a
renderer that fails leaves the folder as it was, and a reader never sees half a file.
``audit.json`` is exactly what ``claimaudit audit --format json`` prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import write_atomic
from ..model import Claim, Source
from ..verdict import Result

if TYPE_CHECKING:
    from ..data.figures import Recomputed

REPORTS = ("audit.html", "audit.md", "audit.json", "junit.xml")


def _renderer(name: str, figures) -> Callable[[list[Result], Mapping[str, Source]], str]:
    from . import html, json, junit, markdown

    return {
        "audit.html": lambda results, sources: html.render(results, sources, figures),
        "audit.md": markdown.render,
        "audit.json": lambda results, sources: json.render(results),
        "junit.xml": junit.render,
    }[name]


def sources_of(claims: Iterable[Claim]) -> dict[str, Source]:
    """Each source of the claims, by id."""
    return {c.source.id: c.source for c in claims}


def write_reports(results: list[Result], sources: Mapping[str, Source], directory: str | Path,
                  steps: Callable[[Iterable[str]], Iterable[str]] = iter,
                  figures: Mapping[tuple[str, str], Recomputed] | None = None) -> list[Path]:
    """Render every report, then write each into ``directory`` atomically; the paths written.

    ``steps`` wraps the renderings (e.g. a progress bar). ``figures`` holds what the HTML plots
    draw from the data used (``data.figures.figure_data``: Kaplan-Meier curves, recomputed hazard
    ratios and before/after values); without it the plots show the printed side only.
    """
    rendered = {name: _renderer(name, figures)(results, sources) for name in steps(REPORTS)}
    directory = Path(directory)
    return [write_atomic(directory / name, text) for name, text in rendered.items()]
