"""The house of imports is checked by a machine: a backward import fails `make lint`."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("config", "research", "sessions", "protocols", "clinic", "audit")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree):
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy_of_the_house(tmp_path):
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_house_as_it_stands_keeps_every_contract(tmp_path):
    result = lint_imports(copy_of_the_house(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_a_lower_floor_importing_a_higher_one_breaks_the_layers(tmp_path):
    tree = copy_of_the_house(tmp_path)
    (tree / "clinic" / "backward.py").write_text("from research.query import ExportFilters  # noqa: F401\n")

    result = lint_imports(tree)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "clinic.backward -> research.query" in result.stdout


def test_two_modules_of_one_app_importing_each_other_break_the_no_cycles_contract(tmp_path):
    tree = copy_of_the_house(tmp_path)
    (tree / "research" / "first.py").write_text("from research import second  # noqa: F401\n")
    (tree / "research" / "second.py").write_text("from research import first  # noqa: F401\n")

    result = lint_imports(tree)

    assert result.returncode != 0
    assert "No import cycles inside an app BROKEN" in result.stdout
