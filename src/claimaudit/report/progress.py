"""A progress bar for long runs: rich.progress on a terminal, nothing otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(iterable: Iterable[T], total: int, description: str, quiet: bool = False, console=None) -> Iterator[T]:
    """Yield the items of ``iterable``, showing a transient bar of ``total`` steps while they are used.

    Silent (the items pass straight through) with ``quiet``, or when stdout is not a terminal (a
    pipe, a file, CI logs), so the output of a command stays clean. ``console`` is a rich Console
    to draw on (tests pass one that records); its ``is_terminal`` then decides instead of stdout.
    """
    terminal = console.is_terminal if console is not None else sys.stdout.isatty()
    if quiet or not terminal:
        yield from iterable
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        for item in iterable:
            yield item
            bar.advance(task)
