"""What a late monkey patch leaves unpatched, in a fresh interpreter (FLK408).

    python patch_probe.py FILE LINE [ROOT]

Runs FILE's top-level statements in order up to the one holding LINE (the
``monkey.patch_all()`` / ``eventlet.monkey_patch()`` call), snapshots the
attributes of the modules a patch replaces, runs the patch, and prints (JSON)
every global of a module that FILE's earlier statements imported which still
holds an object the patch replaced: a lock, a thread-local, a socket function
bound before the patch.  This runs without the oracle (which imports Flask
itself, and would count it as imported first).

With gevent (or eventlet) installed the real patch runs; without it, the
objects gevent 26.9's ``patch_all()`` replaces (``stubs/gevent/monkey.py``)
stand for it, and missing packages are empty modules.
"""

import ast
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
STUBS = os.path.join(HERE, "stubs")
TARGETS = (
    "_thread", "_threading_local", "logging", "os", "queue", "select", "selectors", "signal", "socket", "ssl",
    "subprocess", "threading", "time",
)
PATCHERS = ("gevent", "eventlet")


class _Empty(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Missing packages the file imports: empty modules (gevent.monkey: the table)."""

    def __init__(self, names):
        self.names = names

    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] not in self.names:
            return None
        if fullname == "gevent.monkey":
            return importlib.util.spec_from_file_location(fullname, os.path.join(STUBS, "gevent", "monkey.py"))
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        if spec.name == "eventlet":
            module.monkey_patch = lambda *a, **k: None
        return module

    def exec_module(self, module):
        return None


def _real(name):
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    return spec is not None and spec.origin is not None and not spec.origin.startswith(STUBS)


def _kept(value):
    return not isinstance(value, (bool, int, float, str, bytes, type(None)))


def main():
    path, line = os.path.abspath(sys.argv[1]), int(sys.argv[2])
    root = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else os.path.dirname(path)
    sys.path.insert(0, root)
    real = {name: _real(name) for name in PATCHERS}
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    names = set(PATCHERS)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.partition(".")[0])
    sys.meta_path.append(_Empty(names - set(sys.stdlib_module_names)))
    rel = os.path.relpath(path, root)[:-3].replace(os.sep, ".")
    name = rel[: -len(".__init__")] if rel.endswith(".__init__") else rel
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    baseline = set(sys.modules)
    patch_stmt = None
    for stmt in tree.body:
        if stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):
            patch_stmt = stmt
            break
        try:
            exec(compile(ast.Module(body=[stmt], type_ignores=[]), path, "exec"), module.__dict__)
        except BaseException:
            continue
    imported = sorted(set(sys.modules) - baseline)
    before = {}
    for target in TARGETS:
        mod = sys.modules.get(target)
        if mod is not None:
            before[target] = {k: v for k, v in vars(mod).items() if _kept(v)}
    uses_real = real["gevent"] or real["eventlet"]
    if patch_stmt is not None and uses_real:
        try:
            exec(compile(ast.Module(body=[patch_stmt], type_ignores=[]), path, "exec"), module.__dict__)
        except BaseException as exc:
            print(json.dumps({"error": repr(exc)}))
            return
        replaced = {
            id(old): f"{target}.{attr}"
            for target, attrs in before.items()
            for attr, old in attrs.items()
            if getattr(sys.modules[target], attr, old) is not old
        }
    else:
        import gevent.monkey as table  # the stub's table of what patch_all() replaces

        replaced = {
            id(before[target][attr]): f"{target}.{attr}"
            for target, attrs in table.PATCHED.items()
            if target in before
            for attr in attrs
            if attr in before[target]
        }
    holders = []
    for mod_name in imported:
        top = mod_name.partition(".")[0]
        if top.startswith("_") or top in TARGETS or top in PATCHERS or top in ("greenlet", "zope", "dns") or mod_name == name:
            continue
        mod = sys.modules.get(mod_name)
        if mod is None:
            continue
        for attr, value in list(vars(mod).items()):
            if _kept(value) and id(value) in replaced:
                holders.append(f"{mod_name}.{attr} is the unpatched {replaced[id(value)]}")
    print(json.dumps({"holders": holders, "imported": len(imported), "real": uses_real}))


if __name__ == "__main__":
    main()
