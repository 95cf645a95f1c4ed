"""Mutation testing of the session rules with mutmut 3: the score per module.

    nice -n 10 .venv/bin/python -m bench.mutation [core] [pos] [--fresh] [--no-mypy] [--survivors]

Each group mutates its modules and runs only the tests that exercise them:
``core`` mutates ``nixpos/core/`` against ``tests/core``; ``pos`` mutates
``nixpos/server/services/pos.py`` against the server tests of the POS calls.
Name groups to run only those (default: all). First mypy looks at every
mutant, as CI would (``--no-mypy`` skips that): a mutant it rejects counts
as caught, and the table says how many the tests killed and how many mypy.

mutmut wants its config in the project's pyproject.toml or setup.cfg and
writes a ``mutants/`` tree next to it. To keep both out of the way of
normal runs, each group works in its own copy under ``.mutation/<group>/``
(gitignored): the sources, the tests and a setup.cfg written from
``GROUPS`` below. Runs are incremental: mutmut keeps the verdicts of
functions that did not change, and this script re-tests the mutants that
lived last time, since tests may have been added meanwhile. ``--fresh``
starts over (do that after changing templates or other files that are not
Python: mutmut copies those only once). Look at a survivor with
``cd .mutation/<group> && ../../.venv/bin/python -m mutmut show NAME``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
COPIED = ("nixpos", "tests", "pyproject.toml")
NICENESS = 10  # the machine is shared: never compete with interactive work


@dataclass(frozen=True)
class Group:
    mutate: tuple[str, ...]  # glob patterns of files to mutate, relative to the root
    tests: tuple[str, ...]  # what pytest runs to kill them


GROUPS = {
    "core": Group(mutate=("nixpos/core/*",), tests=("tests/core",)),
    "pos": Group(
        mutate=("nixpos/server/services/pos.py",),
        # The server tests that drive unlock, poll, activity and lock; a few seconds in all.
        tests=tuple(f"tests/server/test_{name}.py" for name in (
            "audit_attribution", "pos_session_calls", "unlock", "idle", "lockout", "override",
            "poll_fast_path", "admin", "tenancy_and_enrollment")),
    ),
}

# mutmut's verdicts as the score counts them.
BY_TESTS = {"killed", "timeout"}
BY_MYPY = {"caught by type check"}
KILLED = BY_TESTS | BY_MYPY
NOT_RUN = {"not checked", "skipped"}  # an interrupted run; left out of the score


def type_check_command(group: Group) -> tuple[str, ...]:
    """mypy over the mutated modules, as CI runs it: a mutant it rejects could not land.

    Each mutant is a copy of its function, so a class's ``__init__`` declares
    its attributes once per copy: ``no-redef`` is that artefact, not the mutant.
    Likewise the ``type: ignore`` comments mutmut adds need not all be used.
    """
    files = tuple(pattern.removesuffix("/*") for pattern in group.mutate)
    return (sys.executable, "-m", "mypy", "--output", "json", "--no-warn-unused-ignores",
            "--disable-error-code", "no-redef", *files)


def setup_cfg(group: Group, mypy: bool) -> str:
    """mutmut's [mutmut] section; multi-line values are one item a line."""
    def lines(items: tuple[str, ...]) -> str:
        return "".join(f"\n    {item}" for item in items)

    text = ("[mutmut]\nsource_paths = nixpos\n"
            f"only_mutate ={lines(group.mutate)}\n"
            f"pytest_add_cli_args_test_selection ={lines(group.tests)}\n")
    if mypy:
        text += f"type_check_command ={lines(type_check_command(group))}\n"
    return text


def prepare(name: str, group: Group, *, fresh: bool, mypy: bool) -> Path:
    """The group's working copy, refreshed from the tree; mutmut's results kept unless fresh."""
    workdir = WORK / name
    if fresh and workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.db", "*.db-*")
    for item in COPIED:
        source, target = ROOT / item, workdir / item
        if target.is_dir():
            shutil.rmtree(target)  # so files deleted in the tree go here too
        if source.is_dir():
            # copy2 keeps modification times: mutmut re-mutates only files that changed.
            shutil.copytree(source, target, ignore=ignore, copy_function=shutil.copy2)
        else:
            shutil.copy2(source, target)
    (workdir / "setup.cfg").write_text(setup_cfg(group, mypy))
    return workdir


def mutmut(workdir: Path, *args: str, log: Path | None = None) -> str:
    """Run mutmut in ``workdir``; its output goes to ``log`` when given, else is returned."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the copy, not the tree
    command = [sys.executable, "-m", "mutmut", *args]
    if log is None:
        done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
    else:
        with log.open("a") as out:
            done = subprocess.run(command, cwd=workdir, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        where = log or "the output above"
        raise SystemExit(f"mutmut {args[0]} failed in {workdir} (exit {done.returncode}); "
                         f"see {where}.\n{done.stdout or ''}{done.stderr or ''}")
    return done.stdout or ""


def verdicts(workdir: Path) -> dict[str, str]:
    """Every mutant's verdict, by name (``nixpos.core.words.x_banner__mutmut_4``)."""
    found: dict[str, str] = {}
    for line in mutmut(workdir, "results", "--all", "true").splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and name.startswith("nixpos."):
            found[name] = status
    return found


def module_of(mutant: str) -> str:
    # Names are module.x_function__mutmut_N or module.xǁClassǁmethod__mutmut_N.
    return mutant.split(".x_")[0].split(".xǁ")[0]


def run_group(name: str, group: Group, *, fresh: bool, mypy: bool,
              max_children: int) -> dict[str, str]:
    workdir = prepare(name, group, fresh=fresh, mypy=mypy)
    log = workdir / "mutmut.log"
    log.write_text("")
    started = time.monotonic()
    print(f"{name}: mutating {', '.join(group.mutate)} (log: {log.relative_to(ROOT)})",
          flush=True)
    mutmut(workdir, "run", "--max-children", str(max_children), log=log)
    lived = [m for m, status in verdicts(workdir).items() if status not in KILLED | NOT_RUN]
    if lived and not fresh:
        # Verdicts of unchanged functions are kept, but the tests may be new since.
        mutmut(workdir, "run", "--max-children", str(max_children), *lived, log=log)
    print(f"{name}: done in {time.monotonic() - started:.0f} s", flush=True)
    return verdicts(workdir)


def report(results: dict[str, str], show_survivors: bool) -> None:
    by_module: dict[str, Counter[str]] = {}
    for mutant, status in results.items():
        by_module.setdefault(module_of(mutant), Counter())[status] += 1
    by_module["all"] = sum(by_module.values(), Counter())
    print(f"\n{'module':36} {'mutants':>7} {'tests':>6} {'mypy':>5} {'lived':>6} {'score':>7}")
    for module in [*sorted(by_module.keys() - {"all"}), "all"]:
        counts = by_module[module]
        tests, mypy = (sum(counts[s] for s in kind) for kind in (BY_TESTS, BY_MYPY))
        scored = sum(n for s, n in counts.items() if s not in NOT_RUN)
        lived = scored - tests - mypy
        print(f"{module:36} {scored:7} {tests:6} {mypy:5} {lived:6} "
              f"{percent(tests + mypy, scored):>7}")
    if show_survivors:
        for mutant, status in sorted(results.items()):
            if status not in KILLED | NOT_RUN:
                print(f"  {status:12} {mutant}")


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("groups", nargs="*", metavar="GROUP",
                        help=f"which groups to run: {', '.join(GROUPS)} (default: all)")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results")
    parser.add_argument("--survivors", action="store_true", help="list the mutants that lived")
    parser.add_argument("--no-mypy", action="store_true",
                        help="leave out the type check: the tests alone must kill every mutant")
    parser.add_argument("--max-children", type=int, default=2,
                        help="mutants tested at once (default 2)")
    args = parser.parse_args()
    if unknown := [g for g in args.groups if g not in GROUPS]:
        parser.error(f"unknown group {', '.join(unknown)}: choose from {', '.join(GROUPS)}")
    if os.getpriority(os.PRIO_PROCESS, 0) < NICENESS:
        os.setpriority(os.PRIO_PROCESS, 0, NICENESS)
    for name in args.groups or GROUPS:
        results = run_group(name, GROUPS[name], fresh=args.fresh, mypy=not args.no_mypy,
                            max_children=args.max_children)
        print(f"\n== {name} ==", end="")
        report(results, args.survivors)


if __name__ == "__main__":
    main()
