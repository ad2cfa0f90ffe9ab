"""Benchmark: the start-up users feel, whole commands against the floors measured in the same run.

    python bench/startup.py [--runs 15] [--index INDEX.sqlite] [--draft FILE] [--before DIR] [--importtime]

Times, as whole processes (interpreter start, imports, rule loading, the work, output),
in rounds: each round runs every command once, so a busy moment of the shared machine
falls on all of them alike.

floors   ``python -c pass``; ``python -c "import regex, yaml, opencc"`` (the libraries every
         command needs, imported and nothing else)
check    ``factcheck check FILE`` on a terminal (a pseudo-terminal: the rich report);
         ``check FILE --format json`` with the per-file cache (warm, as a second run finds it)
         and with ``--no-cache``
against  ``factcheck check DRAFT --against INDEX.sqlite --format json --no-cache``: the index
         is built from seeds/ into a temporary directory unless ``--index`` names one
extract  ``factcheck extract --format json DIR`` over seeds/

``--before DIR`` times the same commands with the code of another checkout too (``git archive
main | tar -x -C DIR``), in the same rounds, so a change is measured against what it changes
under the same load.  Each line: p50 and spread (min–max) of the wall time and of the user CPU time of the process,
and the ratios p50 / p50 of both floors (wall / user).  The commands run in an empty temporary directory
(no configuration, no ./rules/) with byte code cached as users have it.  ``--importtime``
prints, for the JSON check, the slowest imports (``python -X importtime``) instead.  Not a
test: timings on a shared machine are noisy; run it a few times and compare spreads.
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract import machine  # noqa: E402  (the benchmarks describe the machine one way)

SEEDS = ROOT / "seeds"
FILE = SEEDS / "004_c2a44c906ffc7d08.txt"


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:  # EIO: the terminal's other side closed
        pass


def run_once(cmd: list[str], *, tty: bool, env: dict, cwd: str) -> tuple[float, float]:
    """(wall seconds, user CPU seconds) of one run of ``cmd``; on a pseudo-terminal when ``tty``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    if tty:
        master, slave = pty.openpty()
        reader = threading.Thread(target=_drain, args=(master,), daemon=True)
        reader.start()
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env, cwd=cwd)
        os.close(slave)
        reader.join(timeout=5)
        os.close(master)
    else:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=env, cwd=cwd)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        err = (done.stderr or b"").decode(errors="replace")[-800:]
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {err}")
    return wall, after.ru_utime - before.ru_utime


def summary(samples: list[tuple[float, float]]) -> tuple[float, float, str]:
    walls = [w * 1000 for w, _ in samples]
    users = [u * 1000 for _, u in samples]
    text = (f"wall {statistics.median(walls):5.0f} ms ({min(walls):.0f}–{max(walls):.0f}), "
            f"user {statistics.median(users):5.0f} ms ({min(users):.0f}–{max(users):.0f})")
    return statistics.median(walls), statistics.median(users), text


def build_index(db: Path, env: dict, cwd: str) -> None:
    subprocess.run([sys.executable, "-m", "checker", "index", str(SEEDS), "--db", str(db), "--no-progress"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)


def importtime(env: dict, cwd: str, top: int = 25) -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "checker", "check", str(FILE), "--format",
                           "json", "--no-cache"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    rows = []
    for line in done.stderr.decode().splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            rows.append((int(parts[1]), int(parts[0]), parts[2].rstrip()))
    rows.sort(reverse=True)
    print(f"{'cumulative µs':>14} {'self µs':>9}  module")
    for total, own, name in rows[:top]:
        print(f"{total:14,} {own:9,}  {name}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15, help="rounds (default 15; at least 10 for the README)")
    ap.add_argument("--index", default=None, help="an index file for --against (default: seeds/ indexed afresh)")
    ap.add_argument("--draft", default=str(FILE), help="the draft checked --against the index")
    ap.add_argument("--before", default=None, metavar="DIR",
                    help="another checkout whose commands are timed in the same rounds (before a change)")
    ap.add_argument("--importtime", action="store_true", help="print the slowest imports of check --format json")
    args = ap.parse_args(argv)

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "FACTCHECK_FORMAT",
                                                              "NO_COLOR", "FACTCHECK_DB")}
    env["PYTHONPATH"] = str(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        env["FACTCHECK_CACHE_DIR"] = str(Path(tmp) / "cache")
        env["TERM"] = env.get("TERM", "xterm-256color")
        work = Path(tmp) / "project"
        work.mkdir()
        if args.importtime:
            importtime(env, str(work))
            return 0
        index = args.index
        if index is None:
            index = str(Path(tmp) / "index.sqlite")
            build_index(Path(index), env, str(work))
        py = sys.executable
        fc = [py, "-m", "checker"]
        floors_run = [
            ("floor: python -c pass", [py, "-c", "pass"], False, env),
            ("floor: import regex, yaml, opencc", [py, "-c", "import regex, yaml, opencc"], False, env),
        ]
        runs = [
            ("check FILE (terminal)", [*fc, "check", str(FILE)], True),
            ("check FILE --format json", [*fc, "check", str(FILE), "--format", "json"], False),
            ("check FILE --format json --no-cache", [*fc, "check", str(FILE), "--format", "json", "--no-cache"],
             False),
            ("check DRAFT --against INDEX --format json",
             [*fc, "check", args.draft, "--against", index, "--format", "json", "--no-cache"], False),
            ("extract --format json DIR", [*fc, "extract", "--format", "json", str(SEEDS)], False),
        ]
        commands = list(floors_run)
        for name, cmd, tty in runs:
            if args.before:
                before_env = {**env, "PYTHONPATH": str(Path(args.before).resolve()),
                              "FACTCHECK_CACHE_DIR": str(Path(tmp) / "cache-before")}
                commands.append((f"{name} [before]", cmd, tty, before_env))
            commands.append((name, cmd, tty, env))
        for _, cmd, tty, cenv in commands:  # warm-up: byte code, the disk cache, the per-file cache
            run_once(cmd, tty=tty, env=cenv, cwd=str(work))
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _, _ in commands}
        for _ in range(args.runs):
            for name, cmd, tty, cenv in commands:
                samples[name].append(run_once(cmd, tty=tty, env=cenv, cwd=str(work)))
        print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}; {args.runs} rounds")
        print(f"index for --against: {index if args.index else 'seeds/ (5 articles), built afresh'}")
        if args.before:
            print(f"[before]: the code of {Path(args.before).resolve()}")
        floors = []
        for name, _, _, _ in commands:
            wall, user, text = summary(samples[name])
            if name.startswith("floor"):
                floors.append((wall, user))
                print(f"{name:51} {text}")
                continue
            ratios = ", ".join(f"{wall / fw:.1f}x / {user / max(fu, 1e-9):.1f}x" for fw, fu in floors)
            change = ""
            if f"{name} [before]" in samples:
                bw, bu, _ = summary(samples[f"{name} [before]"])
                change = f"; vs before: wall {wall / bw - 1:+.0%}, user {user / bu - 1:+.0%}"
            print(f"{name:51} {text}   wall/user vs floors: {ratios}{change}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
