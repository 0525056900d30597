"""invenio_base.app.create_app_factory, as far as blueprints go: the app it
makes registers every blueprint the installed packages declare under the
given entry point groups (a Blueprint, or a callable taking the app and
returning one).  Entry points are read from the setup.cfg of the first folder on
sys.path that has one (the oracle puts the project's root there), as the installed metadata would
give them."""

from __future__ import annotations

import configparser
import importlib
import os
import sys
from typing import Any, Callable, Iterable, List, Optional

from flask import Blueprint, Flask


def _entry_points(group: str) -> List[str]:
    found: List[str] = []
    for folder in dict.fromkeys([os.getcwd()] + sys.path):
        parser = configparser.ConfigParser()
        parser.read(os.path.join(folder or os.curdir, "setup.cfg"))
        if parser.has_option("options.entry_points", group):
            lines = parser.get("options.entry_points", group).splitlines()
            found += [line.split("=", 1)[1].strip() for line in lines if "=" in line]
            break
    return found


def _load(target: str) -> Any:
    module, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def create_app_factory(
    app_name: str,
    blueprint_entry_points: Optional[Iterable[str]] = None,
    **app_kwargs: Any,
) -> Callable[..., Flask]:
    def factory(**kwargs: Any) -> Flask:
        app = Flask(app_name, **app_kwargs)
        for group in blueprint_entry_points or ():
            for target in _entry_points(group):
                blueprint = _load(target)
                if callable(blueprint) and not isinstance(blueprint, Blueprint):
                    blueprint = blueprint(app)
                app.register_blueprint(blueprint)
        return app

    return factory
