"""Where the shipped data is: the built-in rule set and the package's data files."""

from __future__ import annotations

from pathlib import Path

import yaml

#: The safe YAML loader for the shipped data files: libyaml's (CSafeLoader) when PyYAML was
#: built with it, else the pure-Python one; both build the same plain data.  Reading the
#: lexicon with the C loader takes 12 ms instead of 34 ms of every command's start-up.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def builtin_rules_dir() -> Path:
    """The shipped rule set: rules/ of a source checkout (editable installs), else the copy
    installed as the package ``checker.builtin_rules``."""
    here = Path(__file__).resolve().parent
    checkout = here.parent / "rules"
    if checkout.is_dir() and (checkout.parent / "pyproject.toml").is_file():
        return checkout
    # pyproject.toml maps rules/ to the package checker.builtin_rules: installed beside this file
    return here / "builtin_rules"


def data_path(name: str) -> Path:
    """A file shipped in checker/data/."""
    return Path(__file__).resolve().parent / "data" / name
