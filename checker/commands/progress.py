"""Progress bars on stderr, for check, report and index: shown only on a terminal and for
inputs large enough to wait for; transient, so they leave nothing behind in the output."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Callable, Sequence

from ..load import iter_paths

if TYPE_CHECKING:
    from ..index import IndexStats

# rich is imported where a bar is drawn, never for a run that shows none (start-up time).

#: A progress bar is shown for at least this many files (and only on a terminal).
PROGRESS_MIN_FILES = 20


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class CheckProgress:
    """A bar over the files a check reads; use as a context manager that yields the
    callback ``pipeline.check(progress=…)`` takes."""

    def __init__(self, paths: Sequence[str], enabled: bool, *, include=None, exclude=(), label: str = "checking"):
        self.bar = None
        if enabled and stderr_is_terminal():
            try:
                total = sum(1 for p in iter_paths(list(paths), include=include, exclude=exclude)
                            if os.fspath(p) != "-")
            except Exception:  # counting is best effort; reading reports the real problems
                total = 0
            if total >= PROGRESS_MIN_FILES:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

                self.bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                    console=Console(stderr=True), transient=True)
                self.task = self.bar.add_task(label, total=total)

    def __enter__(self) -> Callable[[str], None]:
        if self.bar is not None:
            self.bar.start()

        def tick(path: str) -> None:
            if self.bar is not None:
                self.bar.advance(self.task)

        return tick

    def __exit__(self, *exc) -> bool:
        if self.bar is not None:
            self.bar.stop()
        return False


def index_progress(enabled: bool) -> "_IndexProgress":
    """A rich progress bar on stderr (files, claims, rate), or a no-op when disabled."""
    return _IndexProgress(enabled)


class _IndexProgress:
    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._bar = None
        self._task = None

    def __enter__(self) -> "_IndexProgress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("files · {task.fields[claims]} claims · {task.fields[rate]} files/s"),
                                 TimeElapsedColumn(), console=Console(file=sys.stderr), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("index", total=None, claims=0, rate="–")
            self._started = time.perf_counter()
        return self

    def __call__(self, stats: IndexStats, total: int) -> None:
        if not self._bar:
            return
        done = stats.indexed + stats.unchanged + stats.problems
        elapsed = max(time.perf_counter() - self._started, 1e-9)
        self._bar.update(self._task, total=total, completed=done, claims=stats.claims,
                         rate=f"{stats.indexed / elapsed:.0f}")

    def __exit__(self, *exc) -> None:
        if self._bar:
            self._bar.stop()


__all__ = ["CheckProgress", "index_progress", "stderr_is_terminal"]
