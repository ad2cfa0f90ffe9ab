"""Which files a run reads: the directory walk, .gitignore, include/exclude globs, and
the path as reports show it."""

from __future__ import annotations

import os
import re
from pathlib import Path
import stat
from typing import Callable, Iterable, Iterator

#: ``skipped(path, message)``: told of each entry a walk cannot take (an unreadable
#: directory, a path too long, a symbolic link loop, a FIFO named like an article).
Skipped = Callable[[Path, str], None]

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
    """A gitignore-style matcher for ``patterns``.  pathspec is imported only when a
    pattern needs it: importing it costs about 30 ms of a 0.2 s start-up (measured with
    ``python -X importtime``), and the default walk (*.md, *.markdown, *.txt, no exclude,
    no .gitignore) needs only suffix tests."""
    patterns = list(patterns)
    if all(_SUFFIX_GLOB.fullmatch(p) for p in patterns):
        return _SuffixSpec(tuple(p[1:] for p in patterns))
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


#: A glob that is a suffix test and nothing more: "*.md", "*.txt".
_SUFFIX_GLOB = re.compile(r"\*\.[A-Za-z0-9_]+")


class _SuffixSpec:
    """What ``GitIgnoreSpec.from_lines(["*.md", …])`` matches, without pathspec: a path one
    of whose components ends with a suffix (a pattern without a slash matches a name at any
    depth, and a matching directory matches what is under it), case-sensitive as git is."""

    __slots__ = ("patterns", "suffixes")

    def __init__(self, suffixes: tuple[str, ...]):
        self.suffixes = suffixes
        self.patterns = suffixes  # empty when nothing is excluded (as GitIgnoreSpec.patterns)

    def match_file(self, rel: str) -> bool:
        if not self.suffixes:
            return False
        return any(part.endswith(self.suffixes) for part in rel.split("/"))


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
    import pathspec  # a .gitignore needs the whole of gitignore's syntax

    return pathspec.GitIgnoreSpec.from_lines(lines)


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
               exclude: Iterable[str] = (), exclude_root: str | os.PathLike | None = None,
               force_exclude: bool = False, skipped: Skipped | None = None) -> Iterator[Path]:
    """The files to read, in order.  A directory is walked recursively in sorted order,
    honouring .gitignore files and skipping hidden entries (.git, .venv …); it yields
    the files matching ``include`` (default *.md, *.markdown, *.txt) and not ``exclude``.

    ``exclude`` holds gitignore-style globs matched against the path relative to
    ``exclude_root`` (the configuration file's directory) when the path is below it, else
    relative to the directory walked.  Anything else (a file named explicitly whatever its
    suffix, '-', a path that does not exist) is yielded as given, once; with
    ``force_exclude`` a file named explicitly is left out too when ``exclude`` matches it
    (pre-commit names each staged file).  What a walk cannot take is told to ``skipped``
    (path, message), never dropped in silence."""
    include_spec = _spec(DEFAULT_INCLUDE if include is None else include)
    exclude = list(exclude)
    exclude_spec = _spec(exclude)
    root = Path(os.path.abspath(exclude_root)) if exclude_root is not None else None
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if os.fspath(given) != "-" and _is_dir(path):
            found = sorted(_walk(path, include_spec, exclude_spec, root, skipped or _ignore),
                           key=lambda p: p.relative_to(path).as_posix())
        elif force_exclude and exclude and os.fspath(given) != "-" and _excluded(path, path.parent, root,
                                                                                 exclude_spec, False):
            found = []
        else:
            found = [path]
        for item in found:
            key = "-" if os.fspath(given) == "-" else os.path.abspath(item)
            if key in seen:
                continue
            seen.add(key)
            yield item


def _excluded(path: Path, walk_root: Path, root: Path | None, exclude_spec, is_dir: bool) -> bool:
    """Whether an exclude glob matches ``path``: relative to the configuration's directory
    when the path is below it, else relative to the directory walked."""
    if not exclude_spec.patterns:
        return False
    absolute = Path(os.path.abspath(path))
    base = root if root is not None else Path(os.path.abspath(walk_root))
    try:
        rel = absolute.relative_to(base).as_posix()
    except ValueError:
        try:
            rel = absolute.relative_to(os.path.abspath(walk_root)).as_posix()
        except ValueError:
            return False
    if rel in ("", "."):
        return False
    return bool(exclude_spec.match_file(rel + "/" if is_dir else rel))


def _ignore(path: Path, message: str) -> None:
    pass


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _walk(root: Path, include_spec, exclude_spec, exclude_root: Path | None = None,
          skipped: Skipped = _ignore) -> Iterator[Path]:
    ignores = _outer_ignores(root).entering(root)
    pending = [(root, ignores)]
    while pending:
        directory, ignores = pending.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            skipped(directory, f"directory cannot be read ({exc.strerror or exc}); its files were not read")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()
                if not is_dir and not is_file:
                    mode = entry.stat().st_mode  # follows a link: ELOOP, ENOENT for a loop or a dangling link
            except OSError as exc:
                if include_spec.match_file(rel) and not _excluded(path, root, exclude_root, exclude_spec, False):
                    what = ("is a symbolic link loop or points nowhere" if entry.is_symlink()
                            else "cannot be examined")
                    skipped(path, f"{what} ({exc.strerror or exc}); not read")
                continue
            if not is_dir and not is_file:
                if (not stat.S_ISDIR(mode) and include_spec.match_file(rel)
                        and not _excluded(path, root, exclude_root, exclude_spec, False)
                        and not ignores.ignored(path, False)):
                    skipped(path, "is not a regular file (a FIFO, socket or device); not read")
                continue
            if is_dir:
                if ignores.ignored(path, True) or _excluded(path, root, exclude_root, exclude_spec, True):
                    continue
                pending.append((path, ignores.entering(path)))
            elif is_file:
                if ignores.ignored(path, False) or _excluded(path, root, exclude_root, exclude_spec, False):
                    continue
                if include_spec.match_file(rel):
                    yield path
