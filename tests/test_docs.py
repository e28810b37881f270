"""The README and docs/ show what the commands print: each example is run and compared."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import REPO, SHARED


def _examples() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_examples", REPO / "docs" / "examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLES = _examples()


@pytest.mark.parametrize("page", EXAMPLES.pages(), ids=lambda p: p.name)
def test_the_page_shows_what_its_commands_print(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    if EXAMPLES.needs_shared(text) and not SHARED.is_dir():
        pytest.skip(f"its examples read {SHARED} (../shared beside the checkout), absent here")
    assert EXAMPLES.regenerate(text) == text, (
        f"{page.relative_to(REPO)} no longer matches what its commands print: run "
        "`python docs/examples.py` and read the difference")


def test_every_page_is_linked_from_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    for page in (REPO / "docs").glob("*.md"):
        assert f"(docs/{page.name})" in readme, page.name


def test_a_drifted_example_is_caught() -> None:
    page = "```console\n$ trackmeta check examples/release\nok: everything is fine\n```\n"
    fresh = EXAMPLES.regenerate(page)
    assert fresh != page and "TM203" in fresh
