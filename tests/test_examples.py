"""Every docstring example (`>>>`) of `commands/`, `storage/` and `reports/` runs and shows
what it says, with `db` (the bundled example plan, in memory) and `plan_id` at hand."""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

from conftest import example_namespace

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("commands", "storage", "reports")


def _modules_with_examples() -> list[str]:
    names = []
    for package in PACKAGES:
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            path = ROOT / (info.name.replace(".", "/") + ("/__init__.py" if info.ispkg else ".py"))
            if ">>>" in path.read_text(encoding="utf-8"):
                names.append(info.name)
    for package in PACKAGES:  # walk_packages leaves the top packages themselves out
        if ">>>" in (ROOT / package / "__init__.py").read_text(encoding="utf-8"):
            names.append(package)
    return sorted(names)


MODULES = _modules_with_examples()


def test_the_examples_are_found():
    assert len(MODULES) >= 30
    assert "storage.db" in MODULES and "commands.grammar" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [test for test in finder.find(module, name) if test.examples]
    assert tests, f"{name} has no example doctest can find"
    report = []
    for test in tests:
        test.globs.update(example_namespace())
        runner.run(test, out=report.append)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{failed} of {attempted} examples of {name} failed:\n" + "".join(report)
