"""Module names of folders without ``__init__.py`` (PEP 420 namespace
packages): the index names a module as Python imports it with the project's
root on sys.path, and answers to the names it has from the other folders
that can be on sys.path (issue 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator

import pytest

from flask_lint.families import FAMILIES
from flask_lint.index import ProjectIndex, clear_indexes, find_root, module_name


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    clear_indexes()
    yield
    clear_indexes()


def _tree(root: Path, files: Dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


LAYOUT = {
    "setup.cfg": "",
    "webapp/__init__.py": "",
    "webapp/endpoints/views.py": "",  # endpoints/: no __init__.py
    "webapp/endpoints/publisher/__init__.py": "",
    "webapp/endpoints/publisher/settings.py": "",
    "webapp/legacy/views.py": "",  # a second views.py in a namespace folder
    "web/server.py": "",  # a script's folder, no package anywhere
    "web/blueprints/root.py": "",
}


def test_a_namespace_folder_inside_a_package_is_part_of_its_name(tmp_path: Path) -> None:
    _tree(tmp_path, LAYOUT)
    root = str(tmp_path)
    assert module_name(str(tmp_path / "webapp/endpoints/publisher/settings.py"), root) == (
        "webapp.endpoints.publisher.settings",
        False,
    )
    assert module_name(str(tmp_path / "webapp/endpoints/views.py"), root)[0] == "webapp.endpoints.views"
    # No package above: a new top-level name, as before.
    assert module_name(str(tmp_path / "web/blueprints/root.py"), root)[0] == "root"


def test_names_from_the_other_folders_on_sys_path(tmp_path: Path) -> None:
    _tree(tmp_path, LAYOUT)
    index = ProjectIndex.build(str(tmp_path), FAMILIES, use_cache=False)
    # ``cd web && python server.py`` imports blueprints.root; from the root it is web.blueprints.root.
    assert index.module_alias("blueprints.root") == "root"
    assert index.module_alias("web.blueprints.root") == "root"
    assert index.module_named("root") == "root"
    # The short name a script in webapp/endpoints/ would use.
    assert index.module_alias("publisher.settings") == "webapp.endpoints.publisher.settings"
    # Two folders answer to ``views``: none of them is meant.
    assert index.module_alias("views") is None
    # A package's folder is never on sys.path: ``settings`` alone is no alias.
    assert index.module_alias("settings") is None
    assert index.module_named("flask") is None


def test_a_root_inside_a_package_bounds_the_namespace_folders(tmp_path: Path) -> None:
    _tree(tmp_path, {"outer/__init__.py": "", "outer/proj/setup.cfg": "", "outer/proj/api/views.py": ""})
    root = str(tmp_path / "outer/proj")
    assert module_name(str(tmp_path / "outer/proj/api/views.py"), root)[0] == "views"


def test_without_a_marker_the_root_is_the_folder_above_the_top_package(tmp_path: Path) -> None:
    _tree(tmp_path / "checkout", {k: v for k, v in LAYOUT.items() if k != "setup.cfg"})
    checkout = tmp_path / "checkout"
    if find_root(str(tmp_path)) != str(tmp_path):
        pytest.skip("a project marker above the temporary folder")
    assert find_root(str(checkout / "webapp/endpoints/publisher/settings.py")) == str(checkout)
    assert find_root(str(checkout / "web/blueprints/root.py")) == str(checkout / "web/blueprints")
