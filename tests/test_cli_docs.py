"""Every command and option of the CLI is documented in the README, and has working --help."""

import argparse
import re

import pytest

from conftest import ROOT
from helpers import run_cli
from knowledge_base.cli import make_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def subcommands():
    parser = make_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_command_is_documented_with_all_its_options(name):
    sub = subcommands()[name]
    heading = re.search(rf"^### `python build\.py {name}\b[^`]*`", README, re.M)
    assert heading, f"README.md has no '### `python build.py {name} …`' section"
    for action in sub._actions:
        for flag in action.option_strings:
            if flag in ("-h", "--help"):
                continue
            assert flag in heading.group(0), f"README.md: `{name}` does not document {flag}"


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_help_works(name):
    proc = run_cli(name, "--help")
    assert proc.returncode == 0
    assert f"usage: python build.py {name}" in proc.stdout


def test_readme_documents_no_command_that_does_not_exist():
    documented = set(re.findall(r"^### `python build\.py (\w[\w-]*)", README, re.M))
    assert documented == set(subcommands())
