"""The library API for indexing a corpus: walk the paths, skip what did not change,
extract and attribute the rest in worker processes (or on Dask workers), write claims to
the archive (SQLite or PostgreSQL) in batches.

A document is skipped when its size and mtime are unchanged (no read at all), or when its
bytes hash to the stored SHA-256 (read, not extracted), provided the rules version and the
engine fingerprint (package version, default date) are unchanged too.  Extraction runs in
``jobs`` processes; this process does all writes, one transaction per chunk, so an
interrupted run loses at most the chunk in flight.  At most two chunks per worker are in
flight, so memory does not grow with the corpus.  At the end of a run the per-group
summaries of the groups it changed are rebuilt (``Archive.refresh_summaries``; a run
that is interrupted leaves them marked stale, and the next run rebuilds them).  The rule set travels to the workers by
pickling (it is plain data), so any start method works.

Files whose mtime is within RACY_NS of the moment they were read are stored as "racy"
(mtime 0): a change in the same clock tick keeps size and mtime, so the next run re-hashes
them instead of trusting the stat.  Workers are started with ``forkserver`` (``spawn``
where there is none), never forked from a parent holding the archive open, and die with
their parent: a watchdog thread polls the parent's pid, and on Linux the kernel sends
SIGKILL when the parent dies (PR_SET_PDEATHSIG).  A file name that is not UTF-8 is stored
in its display form (``\xff`` for the byte), and read by its real name.

With ``dask`` (a scheduler address, ``"local"`` for a LocalCluster, or a
``distributed.Client``) the chunks of the file list are mapped over Dask workers
instead (the optional ``factcheck[dask]`` extra): the same ``_process_file`` per file,
the rule set scattered to every worker once, results written by this process as the
scheduler reports each chunk done.  Workers read the files by their absolute paths, so
on a cluster the corpus must be on storage every worker mounts at the same path.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from . import __version__
from .archive import Archive, claim_row
from .errors import FactcheckError, UsageError
from .display import display
from .load import display_path_of, document_from_bytes, iter_paths, max_bytes_default, read_file_bytes
from .pipeline import claims_for_document
from .rules import RuleSet
from .rules.patterns import take_notes


def rules_version_of(ruleset: RuleSet, rule_paths: Sequence[str] | None = None) -> str:
    """The rule set's content hash (``RuleSet.version``); for a rule set without one,
    a SHA-256 over the rule files' bytes."""
    version = ruleset.version
    if version:
        return str(version)
    digest = hashlib.sha256()
    files: list[Path] = []
    for p in rule_paths or ["rules"]:
        p = Path(p)
        files.extend(sorted(p.rglob("*.yaml")) + sorted(p.rglob("*.yml")) if p.is_dir() else [p])
    for f in files:
        if f.is_file():
            digest.update(str(f.name).encode() + b"\0" + f.read_bytes() + b"\0")
    return "files:" + digest.hexdigest()


def engine_fingerprint(date: _dt.date | None = None) -> str:
    """What besides the rules decides the claims of a file: the package version and
    the default publication date given with --date."""
    return f"factcheck {__version__}; date={date.isoformat() if date else ''}"


# --- records ----------------------------------------------------------------------------


@dataclass(slots=True)
class IndexStats:
    """What one ``index`` run did."""

    files: int = 0  #: files found under the paths
    indexed: int = 0  #: files read and extracted
    unchanged: int = 0  #: files skipped (size/mtime or hash unchanged)
    removed: int = 0  #: index entries whose file is gone
    problems: int = 0  #: files that could not be read (kept with their problem)
    claims: int = 0  #: claims written
    chars: int = 0  #: characters extracted
    seconds: float = 0.0
    problem_messages: list[str] = field(default_factory=list)
    pattern_notes: list[str] = field(default_factory=list)  #: user patterns that timed out (workers' notes)


@dataclass(frozen=True, slots=True)
class _Task:
    file: str  #: absolute path as stored (display form when the name is not UTF-8)
    display: str  #: path as shown in reports
    size: int
    mtime_ns: int
    known_hash: str | None  #: the stored hash when only size/mtime changed (same rules)
    real: str = ""  #: the absolute path to open (``file`` when empty)


#: A file modified this close to the moment it was read may change again within the same
#: mtime (coarse file-system clocks: 2 s on FAT, a tick elsewhere): stored as racy.
RACY_NS = 2_000_000_000
#: The mtime stored for a racy file: it matches no real mtime, so the next run re-hashes it.
RACY_MTIME = 0
#: Seconds between two looks of a worker's watchdog at its parent.
WATCHDOG_SECONDS = 0.5


def storable(path: str) -> str:
    """``path`` as the archive (UTF-8 text) can hold it: each byte of a name that is not
    UTF-8 as ``\\xff`` (its display form); any other path unchanged.  The same as
    ``archive.lookup`` uses to leave the drafts out."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        try:
            return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return display(path)


# --- worker side (runs in the extraction processes) ---------------------------------------

_WORKER_RULESET: RuleSet | None = None
_WORKER_DATE: _dt.date | None = None


def _worker_init(ruleset, date, parent_pid: int | None = None) -> None:
    global _WORKER_RULESET, _WORKER_DATE
    # The parent handles Ctrl-C and stops the pool; a worker interrupted mid-chunk
    # would only add a second traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    _WORKER_RULESET = ruleset
    _WORKER_DATE = date


def _die_with_parent(parent_pid: int | None) -> None:
    """End this worker when the process that runs the index is gone (SIGKILL, a crash):
    the kernel's parent-death signal where there is one, and a watchdog thread that polls
    the parent pid (a worker of the forkserver is reparented when the chain above dies)."""
    direct_parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != direct_parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_SECONDS)
            if os.getppid() != direct_parent or (parent_pid is not None and not _alive(parent_pid)):
                os._exit(1)

    threading.Thread(target=watch, name="factcheck-watchdog", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _process_chunk(tasks: Sequence[_Task]) -> list[tuple]:
    results = [_process_file(task, _WORKER_RULESET, _WORKER_DATE) for task in tasks]
    return results + [("notes", None, "", take_notes())]  # what user patterns' budgets did in this worker


def _process_file(task: _Task, ruleset, date) -> tuple:
    """("same", task, hash) | ("doc", task, hash, doc_date, mentions, chars, claim_rows)
    | ("problem", task, hash, message)."""
    read_at = time.time_ns()
    try:
        # a regular file only (a FIFO or device is refused, never waited on), at most the limit
        data = read_file_bytes(task.real or task.file, task.display, max_bytes_default())
    except FactcheckError as exc:
        return ("problem", task, "", _problem_text(exc))
    if task.mtime_ns >= read_at - RACY_NS:
        task = _Task(task.file, task.display, task.size, RACY_MTIME, task.known_hash, task.real)
    digest = hashlib.sha256(data).hexdigest()
    if task.known_hash == digest:
        return ("same", task, digest)
    try:
        doc = document_from_bytes(data, task.display, date=date)
    except FactcheckError as exc:
        return ("problem", task, digest, _problem_text(exc))
    mentions, claims = claims_for_document(doc, ruleset)
    rows = [claim_row(c) for c in claims]
    return ("doc", task, digest, doc.date.isoformat() if doc.date else None, len(mentions), len(doc.text), rows)


def index_paths(archive: Archive, paths: Sequence[str], ruleset: RuleSet, *, rules_version: str | None = None,
                date: _dt.date | None = None, jobs: int | None = None, chunk_size: int | None = None,
                progress: Callable[[IndexStats, int], None] | None = None,
                include: Sequence[str] | None = None, exclude: Sequence[str] = (),
                start_method: str | None = None, dask=None) -> IndexStats:
    """Index the articles under ``paths``: extract and store what changed, skip what
    did not, drop entries of files that are gone.  Extraction runs in ``jobs``
    processes (default: all cores; 1 runs in this process), or on the Dask cluster
    ``dask`` (a ``distributed.Client``, a scheduler address, or ``"local"``); this
    process does all writes, one transaction per chunk of files.
    ``progress(stats, total)`` is called after each chunk."""
    started = time.perf_counter()
    version = rules_version or rules_version_of(ruleset)
    engine = engine_fingerprint(date)
    stats = IndexStats()
    files = _list_files(paths, include=include, exclude=exclude, missing=stats.problem_messages)
    stats.files = len(files)

    known = archive.known_documents()
    tasks: list[_Task] = []
    renamed: list[tuple[str, int]] = []
    for file, shown, size, mtime_ns, real in files:
        row = known.get(file)
        fresh_rules = row is not None and row[5] == version and row[6] == engine
        if fresh_rules and row[2] == size and row[3] == mtime_ns:
            stats.unchanged += 1
            if row[1] != shown:
                renamed.append((shown, row[0]))
            continue
        tasks.append(_Task(file, shown, size, mtime_ns, row[4] if fresh_rules else None, real))

    # Entries under the given paths whose file is no longer there.
    seen = {f[0] for f in files}
    roots = [_root_prefix(p) for p in paths]
    gone = [row[0] for file, row in known.items()
            if file not in seen and any(file == r or file.startswith(r + os.sep) for r in roots)]
    archive.remove_and_rename(gone, renamed)
    stats.removed = len(gone)
    if progress:
        progress(stats, stats.files)

    if tasks:
        with contextlib.ExitStack() as stack:
            if dask is not None:
                client = stack.enter_context(dask_client(dask, workers=jobs))
                size = chunk_size or max(1, min(64, len(tasks) // 16 or 1))
                runs = _run_tasks_dask(tasks, ruleset, date, client, size)
            else:
                runs = _run_tasks(tasks, ruleset, date, jobs, chunk_size, start_method)
            for results in runs:
                _store(archive, results, version, engine, stats)
                if progress:
                    progress(stats, stats.files)
    # the summaries of the groups this run changed (and any an interrupted run left stale),
    # once per run: O(claims of those groups), so a draft check reads summaries, not retellings
    archive.refresh_summaries()
    stats.seconds = time.perf_counter() - started
    return stats


def _store(archive: Archive, results: list[tuple], version: str, engine: str, stats: IndexStats) -> None:
    """One chunk's results written in one transaction, and counted."""
    documents: list[tuple[tuple, list[tuple]]] = []
    touched: list[tuple[str, int, int, str]] = []
    for result in results:
        kind, task, digest = result[0], result[1], result[2]
        if kind == "notes":
            stats.pattern_notes.extend(result[3])
            continue
        if kind == "same":
            # touched but not changed: remember the new mtime so the next run skips the read
            touched.append((task.file, task.size, task.mtime_ns, task.display))
            stats.unchanged += 1
            continue
        if kind == "problem":
            doc = (task.file, task.display, task.size, task.mtime_ns, digest, None, version, 0, result[3], engine)
            rows: list[tuple] = []
            stats.problems += 1
            stats.problem_messages.append(f"{task.display}: {result[3]}")
        else:
            _, _, _, doc_date, mentions, chars, rows = result
            doc = (task.file, task.display, task.size, task.mtime_ns, digest, doc_date, version, mentions, None,
                   engine)
            stats.indexed += 1
            stats.claims += len(rows)
            stats.chars += chars
        documents.append((doc, rows))
    archive.put_batch(documents, touched)


# --- helpers ---------------------------------------------------------------------------------


def _problem_text(exc: FactcheckError) -> str:
    return f"{exc.code} {exc.message}" + (f"; {exc.hint}" if exc.hint else "")


def _root_prefix(path: str) -> str:
    # abspath, not resolve(): a string operation, no system call per path component
    # (re-indexing 100,000 unchanged files is mostly this listing).
    return storable(os.path.abspath(path))


def _list_files(paths: Sequence[str], *, include=None, exclude=(),
                missing: list[str] | None = None) -> list[tuple[str, str, int, int, str]]:
    """(stored absolute path, display path, size, mtime_ns, real absolute path) of every
    article under paths, sorted.  Paths that do not exist, and what the walk could not
    take, are added to ``missing`` as messages."""
    if any(p == "-" for p in paths):
        raise UsageError("'factcheck index' reads files, not standard input", hint="pass file or directory paths")
    out: dict[str, tuple[str, str, int, int, str]] = {}

    def skipped(where: Path, message: str) -> None:
        if missing is not None:
            missing.append(f"{storable(display_path_of(where))}: E201 {message}")

    for p in iter_paths(list(paths), include=include, exclude=exclude, skipped=skipped):
        p = Path(p)
        try:
            st = p.stat()
        except OSError as exc:
            # A path named explicitly that is not there (or vanished since the listing):
            # reported, and its index entry (if any) removed as gone.
            if missing is not None:
                missing.append(f"{storable(display_path_of(p))}: E201 not found ({exc.strerror})")
            continue
        absolute = os.path.abspath(p)
        key = storable(absolute)
        out[key] = (key, storable(display_path_of(p)), st.st_size, st.st_mtime_ns, absolute)
    return [out[k] for k in sorted(out)]


def _run_tasks(tasks: list[_Task], ruleset: RuleSet, date, jobs: int | None, chunk_size: int | None,
               start_method: str | None = None) -> Iterator[list[tuple]]:
    """Results chunk by chunk, as they complete.  At most two chunks per worker are in
    flight, so memory does not grow with the corpus."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    if chunk_size is None:
        chunk_size = max(1, min(64, len(tasks) // (jobs * 4) or 1))
    chunks = [tasks[i:i + chunk_size] for i in range(0, len(tasks), chunk_size)]
    if jobs == 1 or len(chunks) == 1:
        for chunk in chunks:
            yield [_process_file(t, ruleset, date) for t in chunk]
        return
    context = multiprocessing.get_context(start_method or default_start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["checker.index"])  # imported once, in the server
    executor = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init,
                                   initargs=(ruleset, date, os.getpid()), mp_context=context)
    pending: set[Future] = set()
    queue = iter(chunks)
    try:
        for chunk in queue:
            pending.add(executor.submit(_process_chunk, chunk))
            if len(pending) >= jobs * 2:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(executor.submit(_process_chunk, nxt))
                yield future.result()
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)


def default_start_method() -> str:
    """``forkserver`` where the platform has it, else ``spawn``: a worker never starts as a
    fork of a parent that holds the archive, threads and pipes."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"



# --- Dask ---------------------------------------------------------------------------------

#: Seconds to wait for a Dask scheduler to answer.
DASK_CONNECT_TIMEOUT = 20


def _process_chunk_with(tasks: Sequence[_Task], ruleset: RuleSet, date) -> list[tuple]:
    """One partition of the file list, on a Dask worker (the rule set arrives scattered)."""
    return [_process_file(task, ruleset, date) for task in tasks]


def _distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError("--dask needs Dask's distributed scheduler, which is not installed",
                         hint='pip install "factcheck[dask]"', code="E209") from None
    return distributed


@contextlib.contextmanager
def dask_client(target, *, workers: int | None = None) -> Iterator:
    """A ``distributed.Client`` for ``target``: a Client (used as is), ``"local"`` (a
    LocalCluster of ``workers`` single-threaded worker processes, default: all cores,
    closed afterwards), or a scheduler address (``tcp://host:8786``).  An unreachable
    scheduler is E209, not a traceback."""
    if not isinstance(target, str):
        yield target
        return
    distributed = _distributed()
    import logging

    if target == "local":
        n = max(1, workers or os.cpu_count() or 1)
        try:
            # dashboard_address=None does not stop its HTTP server (dask/distributed#8136): a free
            # port on 127.0.0.1, so a user's own cluster on 8787 is neither met nor warned about
            cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                               dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
        except Exception as exc:  # the workers' processes did not come up (resources, spawn)
            raise UsageError(f"cannot start a local Dask cluster ({exc.__class__.__name__}: {exc})",
                             hint="run without --dask, or lower --jobs", code="E209") from None
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = distributed.Client(target, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {target} ({exc.__class__.__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else 'no answer'})",
                         hint="check the address (tcp://HOST:8786) and that the scheduler runs, or use --dask local",
                         code="E209") from None
    try:
        yield client
    finally:
        client.close()


def _run_tasks_dask(tasks: list[_Task], ruleset: RuleSet, date, client, chunk_size: int) -> Iterator[list[tuple]]:
    """Results partition by partition, as the scheduler reports them done.  At most two
    partitions per worker thread are in flight, so memory does not grow with the corpus."""
    distributed = _distributed()
    chunks = [tasks[i:i + chunk_size] for i in range(0, len(tasks), chunk_size)]
    threads = sum(client.nthreads().values()) or 1
    rules = client.scatter(ruleset, broadcast=True)
    queue = iter(chunks)
    pending = distributed.as_completed()
    for chunk in queue:
        pending.add(client.submit(_process_chunk_with, chunk, rules, date, pure=False))
        if pending.count() >= threads * 2:
            break
    try:
        for future in pending:
            results = future.result()
            future.release()
            nxt = next(queue, None)
            if nxt is not None:
                pending.add(client.submit(_process_chunk_with, nxt, rules, date, pure=False))
            yield results
    finally:
        for future in list(pending.futures):
            future.cancel()


__all__ = ["IndexStats", "dask_client", "default_start_method", "engine_fingerprint", "index_paths",
           "rules_version_of", "storable"]
