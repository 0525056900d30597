"""A synthetic Flask project of a chosen size, for benchmarks that need no network.

``python benchmarks/synthetic.py OUT --modules 1000`` writes a project with
exactly that many modules: an app factory, groups of blueprint packages
(``__init__`` with the Blueprint, ``views`` with routes, error handlers and
hooks, ``models``, ``services`` and ``utils`` without any Flask), and
registrations that pass the app through functions in other modules. About
40% of the modules mention Flask, as in real projects. A few planted bugs
(invalid status codes, unregistered blueprints) keep the findings non-empty.
"""

from __future__ import annotations

import argparse
import os
from typing import Dict, List

UNIT_MODULES = 5  # __init__, views, models, services, utils
UNITS_PER_GROUP = 20

FACTORY = '''\
"""The application factory."""

import logging
import os

from flask import Flask, jsonify

from .config import Settings
from .mods import register_all

log = logging.getLogger(__name__)


def create_app(settings=None):
    """Build the application."""
    app = Flask(__name__)
    app.config.update((settings or Settings()).as_dict())
    register_all(app)
    register_errors(app)

    @app.route("/health")
    def health():
        return jsonify(status="ok"), 200

    return app


def register_errors(app):
    @app.errorhandler(404)
    def not_found(error):
        return jsonify(error="not found"), 404

    @app.errorhandler(500)
    def server_error(error):
        log.exception("server error: %s", error)
        return jsonify(error="server error"), 500

    app.register_error_handler(405, lambda e: (jsonify(error="method"), 405))
'''

CONFIG = '''\
"""Settings, plain Python."""

import os


class Settings:
    DEBUG = False
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev")
    DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite://")

    def as_dict(self):
        return {k: getattr(self, k) for k in dir(self) if k.isupper()}


class TestSettings(Settings):
    TESTING = True
'''

UNIT_INIT = '''\
"""Blueprint {n}."""

from flask import Blueprint

bp = Blueprint("unit{n}", __name__, url_prefix="/unit{n}")
{extra}
from . import views  # noqa: E402,F401
'''

UNIT_VIEWS = '''\
"""Views of unit {n}."""

from flask import abort, jsonify, make_response, request

from . import bp
from .models import Item{n}, Order{n}
from .services import find_item, list_items, place_order
from .utils import clamp, paginate


@bp.before_request
def check_token():
    token = request.headers.get("X-Token")
    if token is not None and len(token) < 8:
        abort(401)


@bp.route("/items")
def items():
    page = clamp(request.args.get("page", 1, type=int), 1, 1000)
    found = list_items(page=page)
    return jsonify(items=[item.as_dict() for item in paginate(found, page)])


@bp.route("/items/<int:item_id>")
def item(item_id):
    found = find_item(item_id)
    if found is None:
        return jsonify(error="no such item"), 404
    return jsonify(found.as_dict())


@bp.post("/items")
def create_item():
    payload = request.get_json(silent=True) or {{}}
    if "name" not in payload:
        return jsonify(error="name is required"), 400
    created = Item{n}(len(list_items()) + 1, payload["name"], payload.get("price", 0))
    return jsonify(created.as_dict()), 201


@bp.route("/orders", methods=["POST"])
def order():
    payload = request.get_json(silent=True) or {{}}
    result = place_order(Order{n}(payload.get("item"), payload.get("quantity", 1)))
    response = make_response(jsonify(result), 202)
    response.headers["X-Unit"] = "{n}"
    return response


@bp.route("/legacy")
def legacy():
    return "moved", {legacy_status}


@bp.errorhandler(422)
def unprocessable(error):
    return jsonify(error=str(error)), 422


@bp.after_request
def add_header(response):
    response.headers["X-Served-By"] = "unit{n}"
    return response
'''

UNIT_MODELS = '''\
"""Plain data classes of unit {n} (plain Python)."""

from dataclasses import dataclass, field
from typing import Dict, List, Optional


@dataclass
class Item{n}:
    ident: int
    name: str
    price: float = 0.0
    tags: List[str] = field(default_factory=list)

    def as_dict(self) -> Dict[str, object]:
        return {{"id": self.ident, "name": self.name, "price": self.price, "tags": list(self.tags)}}

    def discounted(self, percent: float) -> float:
        if not 0 <= percent <= 100:
            raise ValueError(percent)
        return round(self.price * (100 - percent) / 100, 2)


@dataclass
class Order{n}:
    item: Optional[int]
    quantity: int = 1

    def total(self, items: Dict[int, Item{n}]) -> float:
        if self.item is None or self.item not in items:
            return 0.0
        return items[self.item].price * self.quantity


class Repository{n}:
    def __init__(self) -> None:
        self._items: Dict[int, Item{n}] = {{}}

    def add(self, item: Item{n}) -> None:
        self._items[item.ident] = item

    def get(self, ident: int) -> Optional[Item{n}]:
        return self._items.get(ident)

    def all(self) -> List[Item{n}]:
        return sorted(self._items.values(), key=lambda item: item.ident)
'''

UNIT_SERVICES = '''\
"""Business logic of unit {n} (plain Python)."""

from .models import Item{n}, Order{n}, Repository{n}
from .utils import chunks

REPOSITORY = Repository{n}()
for _ident in range(1, 4):
    REPOSITORY.add(Item{n}(_ident, "item-%d" % _ident, price=_ident * 1.5))


def list_items(page=1):
    return REPOSITORY.all()


def find_item(ident):
    return REPOSITORY.get(ident)


def place_order(order: Order{n}):
    items = {{item.ident: item for item in REPOSITORY.all()}}
    total = order.total(items)
    batches = list(chunks(range(order.quantity), 10))
    return {{"total": total, "batches": len(batches)}}
'''

UNIT_UTILS = '''\
"""Helpers of unit {n} (plain Python)."""

import itertools


def clamp(value, low, high):
    return max(low, min(high, value))


def paginate(seq, page, size=20):
    start = (page - 1) * size
    return seq[start:start + size]


def chunks(iterable, size):
    iterator = iter(iterable)
    while True:
        chunk = list(itertools.islice(iterator, size))
        if not chunk:
            return
        yield chunk


def slugify(text):
    out = []
    for char in text.lower():
        if char.isalnum():
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")
'''

FILLER = '''\
"""Shared helpers {n} (plain Python)."""

import json
import re

WORD = re.compile(r"\\w+")


def words(text):
    return WORD.findall(text or "")


def dump(value):
    return json.dumps(value, sort_keys=True, default=str)


class Counter{n}:
    def __init__(self):
        self.counts = {{}}

    def add(self, text):
        for word in words(text):
            self.counts[word] = self.counts.get(word, 0) + 1
        return self

    def top(self, count=10):
        return sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))[:count]
'''


def plan(modules: int) -> Dict[str, str]:
    """Relative path -> source, exactly ``modules`` Python files."""
    if modules < 4:
        raise ValueError("at least 4 modules")
    files: Dict[str, str] = {"setup.cfg": "[flake8]\nmax-line-length = 120\n"}
    fixed = {"app/__init__.py": FACTORY, "app/config.py": CONFIG, "wsgi.py": "from app import create_app\n\napp = create_app()\n"}
    budget = modules - len(fixed) - 1  # app/mods/__init__.py
    units = 0
    groups = 0
    while True:
        need_group = units % UNITS_PER_GROUP == 0
        cost = UNIT_MODULES + (1 if need_group else 0)
        if budget - cost < 0:
            break
        budget -= cost
        groups += need_group
        units += 1
    files.update(fixed)
    group_units: Dict[int, List[int]] = {}
    for n in range(units):
        group_units.setdefault(n // UNITS_PER_GROUP, []).append(n)
        base = f"app/mods/unit{n}"
        # Every 25th blueprint package also creates a blueprint nobody registers (FLK303).
        extra = f'\nspare = Blueprint("spare{n}", __name__)\n' if n % 25 == 7 else ""
        files[f"{base}/__init__.py"] = UNIT_INIT.format(n=n, extra=extra)
        # Every 10th views module answers with an invalid status (FLK101).
        files[f"{base}/views.py"] = UNIT_VIEWS.format(n=n, legacy_status=999 if n % 10 == 3 else 301)
        files[f"{base}/models.py"] = UNIT_MODELS.format(n=n)
        files[f"{base}/services.py"] = UNIT_SERVICES.format(n=n)
        files[f"{base}/utils.py"] = UNIT_UTILS.format(n=n)
    register_all = ['"""Blueprint registration, group by group."""\n']
    for g in sorted(group_units):
        register_all.append(f"from . import group{g}")
        lines = [f'"""Registers units {group_units[g][0]}-{group_units[g][-1]}."""\n']
        lines += [f"from .unit{n} import bp as unit{n}_bp" for n in group_units[g]]
        lines += ["", "", "def register(app):"]
        lines += [f"    app.register_blueprint(unit{n}_bp)" for n in group_units[g]]
        files[f"app/mods/group{g}.py"] = "\n".join(lines) + "\n"
    register_all += ["", "", "def register_all(app):"]
    register_all += [f"    group{g}.register(app)" for g in sorted(group_units)] or ["    pass"]
    files["app/mods/__init__.py"] = "\n".join(register_all) + "\n"
    for n in range(budget):
        files[f"app/lib/helpers{n}.py"] = FILLER.format(n=n)
    if budget:
        files["app/lib/__init__.py"] = ""
        # app/lib/__init__.py is one module more: drop one filler to stay exact.
        del files[f"app/lib/helpers{budget - 1}.py"]
    return files


def generate(root: str, modules: int) -> List[str]:
    """Write the project under ``root``; returns the Python files written."""
    written = []
    for rel, text in plan(modules).items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        if rel.endswith(".py"):
            written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder to write the project into")
    parser.add_argument("--modules", type=int, default=1000, help="number of Python modules (default: 1000)")
    args = parser.parse_args()
    files = generate(args.out, args.modules)
    print(f"{len(files)} modules written under {args.out}")


if __name__ == "__main__":
    main()
