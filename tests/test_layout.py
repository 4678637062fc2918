"""The package's plan (no model): no import circle, and each room imports only the rooms below it.

Imports are read from the source with `ast`, all of them: at the top of a module, inside functions (the lazy
ones), and under `if TYPE_CHECKING:`, which still ties two modules' types together. The rooms and what each must
not import are those their `__init__` docstrings state (docs/architecture.md draws them).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "quotes"

# room -> the rooms it must not import (the stages a document passes through come first)
_ABOVE_THE_CORE = {"tables", "pipeline", "evaluation", "bench", "learning", "studio", "report", "cli"}
FORBIDDEN = {
    "text": _ABOVE_THE_CORE | {"speakers", "stance", "attribution"},
    "speakers": _ABOVE_THE_CORE | {"stance", "attribution"},
    "stance": _ABOVE_THE_CORE | {"speakers", "attribution"},
    "attribution": _ABOVE_THE_CORE,
    "tables": _ABOVE_THE_CORE - {"tables"} | {"text", "speakers", "stance", "attribution"},
    "pipeline": _ABOVE_THE_CORE - {"tables", "pipeline"},
    "evaluation": _ABOVE_THE_CORE - {"tables", "evaluation"},
    "bench": {"learning", "studio", "report", "cli"},
    "learning": {"bench", "report", "cli"},
    "studio": {"bench", "report", "cli", "learning"},
    "report": {"text", "speakers", "stance", "attribution", "pipeline", "bench", "learning", "studio", "cli"},
}
ROOMS = sorted(FORBIDDEN) + ["cli"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not (target == "quotes" or target.startswith("quotes.")):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in known else target)  # "from . import roles" imports the module roles
    out.discard(name)
    return {m for m in out if m in known}


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def room_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ROOMS else None


def test_no_import_circle() -> None:
    assert circles(import_graph()) == []


def test_a_circle_is_found() -> None:
    """The walk sees a circle through a lazy import, so the test above can fail."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


def test_lazy_and_type_checking_imports_count(tmp_path: Path) -> None:
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .entity_table import Entity\n"
              "def f():\n    from ..rules import Rules\n    from . import roles\n")
    path = tmp_path / "mod.py"
    path.write_text(source)
    known = {"quotes.speakers.entity_table", "quotes.rules", "quotes.speakers.roles", "quotes.speakers"}
    assert imports_of("quotes.speakers.mod", path, known) == {"quotes.speakers.entity_table", "quotes.rules",
                                                                 "quotes.speakers.roles"}


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_each_room_imports_only_what_it_may(room: str) -> None:
    wrong = sorted(f"{name} imports {target}" for name, targets in import_graph().items() if room_of(name) == room
                   for target in targets if room_of(target) in FORBIDDEN[room])
    assert wrong == []


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_says_what_it_is(room: str) -> None:
    """One paragraph at least: what comes in, what goes out, and what it must not import."""
    doc = ast.get_docstring(ast.parse((PACKAGE / room / "__init__.py").read_text())) or ""
    assert len(doc.split()) >= 30, room
    assert "must not import" in doc or room == "cli", room


def test_the_top_of_the_package_holds_only_what_every_room_shares() -> None:
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert top == ["__init__", "errors", "records", "rules", "rules_shape"]
