"""Which files a run reads: the directory walk, .gitignore, include/exclude globs, and
the path as reports show it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

#: What a directory walk takes when no include globs are given.
DEFAULT_INCLUDE = ("*.md", "*.markdown", "*.txt")

def display_path_of(path: str | os.PathLike) -> str:
    """The path as reports show it: relative to the current directory when the file is
    below it, else as given; always with forward slashes."""
    given = os.fspath(path)
    absolute = os.path.abspath(given)
    cwd = os.getcwd()
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    shown = absolute[len(prefix):] if absolute.startswith(prefix) else given
    return shown.replace(os.sep, "/").replace("\\", "/")


def _spec(patterns: Iterable[str]):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


class _Ignores:
    """The .gitignore files that apply in a walk: (directory, spec) from the outermost
    in; the deepest file with a matching pattern decides, as in git."""

    def __init__(self, stack: tuple = ()):
        self.stack = stack

    def entering(self, directory: Path) -> "_Ignores":
        spec = _read_gitignore(directory)
        if spec is None:
            return self
        return _Ignores(self.stack + ((Path(os.path.abspath(directory)), spec),))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        path = Path(os.path.abspath(path))  # absolute like the bases, so a relative walk matches too
        for base, spec in reversed(self.stack):
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            result = spec.check_file(rel + "/" if is_dir else rel)
            if result.include is not None:
                return result.include
        return False


def _read_gitignore(directory: Path):
    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _spec(lines)


def _outer_ignores(root: Path) -> _Ignores:
    """.gitignore files above ``root`` up to the repository's top (the directory holding .git)."""
    root = Path(os.path.abspath(root))
    chain = []
    for parent in root.parents:
        chain.append(parent)
        if (parent / ".git").exists():
            break
    else:
        return _Ignores()
    ignores = _Ignores()
    for parent in reversed(chain):
        ignores = ignores.entering(parent)
    return ignores


def iter_paths(paths: Iterable[str | os.PathLike], *, include: Iterable[str] | None = None,
               exclude: Iterable[str] = ()) -> Iterator[Path]:
    """The files to read, in order.  A directory is walked recursively in sorted order,
    honouring .gitignore files and skipping hidden entries (.git, .venv …); it yields
    the files matching ``include`` (default *.md, *.markdown, *.txt) and not ``exclude``
    (gitignore-style globs, matched against the path below the directory).  Anything
    else (a file named explicitly whatever its suffix, '-', a path that does not exist)
    is yielded as given, once."""
    include_spec = _spec(DEFAULT_INCLUDE if include is None else include)
    exclude_spec = _spec(exclude)
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if os.fspath(given) != "-" and path.is_dir():
            found = sorted(_walk(path, include_spec, exclude_spec), key=lambda p: p.relative_to(path).as_posix())
        else:
            found = [path]
        for item in found:
            key = "-" if os.fspath(given) == "-" else os.path.abspath(item)
            if key in seen:
                continue
            seen.add(key)
            yield item


def _walk(root: Path, include_spec, exclude_spec) -> Iterator[Path]:
    ignores = _outer_ignores(root).entering(root)
    pending = [(root, ignores)]
    while pending:
        directory, ignores = pending.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue  # unreadable directory: nothing to take from it
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()
            except OSError:
                continue
            if is_dir:
                if ignores.ignored(path, True) or exclude_spec.match_file(rel + "/"):
                    continue
                pending.append((path, ignores.entering(path)))
            elif is_file:
                if ignores.ignored(path, False) or exclude_spec.match_file(rel):
                    continue
                if include_spec.match_file(rel):
                    yield path
