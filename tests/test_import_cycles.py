"""No module of ours imports itself again through others: imports run one way, inside each
package as between them (docs/architecture.md §2; `lint-imports` checks the layers).

The graph is grimp's (import-linter's), with every import a module makes when it runs, those
inside functions too; imports under ``if TYPE_CHECKING:`` never run and are left out.
"""

from __future__ import annotations

import grimp

PACKAGES = ("wellness", "evidence", "therapies", "outbox")


def _graph() -> dict[str, set[str]]:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)
    return {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}


def _tangles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that import one another round, each group sorted
    (Tarjan's strongly connected components, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(imports):
        if root in index:
            continue
        work = [(root, iter(sorted(imports[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(imports.get(child, ())))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1 or module in imports.get(module, ()):
                    groups.append(sorted(group))
    return sorted(groups)


def _cycle(imports: dict[str, set[str]], group: list[str]) -> list[str]:
    """Return one shortest round of imports through the group's first module."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for module in frontier:
            for child in sorted(imports.get(module, set()) & members):
                if child == start:
                    return [*paths[module], start]
                if child not in paths:
                    paths[child] = [*paths[module], child]
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a tangle always has one


def test_tangles_and_cycles_are_found():
    imports = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}

    groups = _tangles(imports)

    assert groups == [["a", "b", "c"], ["e"]]
    assert _cycle(imports, groups[0]) == ["a", "b", "c", "a"]
    assert _cycle(imports, groups[1]) == ["e", "e"]


def test_no_module_imports_itself_round_again():
    imports = _graph()

    cycles = [
        " -> ".join(_cycle(imports, group))
        + (
            f" (one round of a tangle of {len(group)}: {', '.join(group)})"
            if len(group) > 2
            else ""
        )
        for group in _tangles(imports)
    ]

    assert not cycles, "Import cycles:\n" + "\n".join(cycles)
