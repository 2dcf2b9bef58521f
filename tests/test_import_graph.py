"""The package's module-level imports form no cycle (issue 14: generate -> train -> metrics -> train was
one, papered over by a lazy __getattr__). Imports inside functions are deliberate deferrals (heavy or
optional dependencies) and are not edges here."""

from __future__ import annotations

import ast
from pathlib import Path

import productgan

PACKAGE = Path(productgan.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path, name: str) -> set[str]:
    """productgan modules imported at module level (not inside functions or TYPE_CHECKING blocks)."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}  # `from pkg import submodule`
    return {module for module in found if module.split(".")[0] == "productgan"}


def import_graph() -> dict[str, set[str]]:
    """Edges to a module's own ancestors are left out: `from productgan.cli import common` inside
    productgan.cli.app names its package, which Python has always begun to initialise first."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: {m for m in top_level_imports(path, name) if m in modules and not (name + ".").startswith(m + ".")}
            for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node], _ = 1, path.append(node)
        for child in sorted(graph[node]):
            if state.get(child) == 1:
                return path[path.index(child):] + [child]
            if child not in state and (cycle := visit(child)):
                return cycle
        state[node], _ = 2, path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_checker_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_module_level_imports_have_no_cycle():
    graph = import_graph()
    assert "productgan.train.loop" in graph and graph["productgan.generate"]  # the graph was read
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))
