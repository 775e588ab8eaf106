"""The report files of one audit: ``audit.html``, ``audit.md``, ``audit.json``, ``junit.xml``.

Every file is rendered before any is written, and each is written through ``write_atomic``: a
renderer that fails leaves the folder as it was, and a reader never sees half a file.
``audit.json`` is exactly what ``claimaudit audit --format json`` prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from .._atomic import write_atomic
from ..model import Claim, Source
from ..verdict import Result

REPORTS = ("audit.html", "audit.md", "audit.json", "junit.xml")


def _renderer(name: str) -> Callable[[list[Result], Mapping[str, Source]], str]:
    from . import html, json, junit, markdown

    return {
        "audit.html": html.render,
        "audit.md": markdown.render,
        "audit.json": lambda results, sources: json.render(results),
        "junit.xml": junit.render,
    }[name]


def sources_of(claims: Iterable[Claim]) -> dict[str, Source]:
    """Each source of the claims, by id."""
    return {c.source.id: c.source for c in claims}


def write_reports(results: list[Result], sources: Mapping[str, Source], directory: str | Path,
                  steps: Callable[[Iterable[str]], Iterable[str]] = iter) -> list[Path]:
    """Render every report, then write each into ``directory`` atomically; the paths written.

    ``steps`` wraps the renderings (e.g. a progress bar).
    """
    rendered = {name: _renderer(name)(results, sources) for name in steps(REPORTS)}
    directory = Path(directory)
    return [write_atomic(directory / name, text) for name, text in rendered.items()]
