"""The architecture of docs/architecture.md, held by the source itself (ast only: nothing is imported or run).

- no import cycle among govmedia modules, counting imports inside functions and under TYPE_CHECKING;
- imports follow the layer order findings → dialect → schemas → register → history → rules → run → staff →
  bots → commands → cli, with site/ beside (it reads up to run/, and only commands/ and cli read it);
- no library module (anything but cli.py and commands/) imports the CLI or a command;
- every function-level import of a govmedia module is listed below with its reason;
- no private name (``_name``) of one module is used by another;
- no function over 100 lines, no module over 600 lines;
- no reference to a document that is not in the repository.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "govmedia"
LAYERS = ["findings", "dialect", "schemas", "register", "history", "rules", "run", "staff", "bots", "commands",
          "cli"]
MAX_FUNCTION_LINES = 100
MAX_MODULE_LINES = 600

# Function-level imports, each with the reason it is not at the top of its module.
DEFERRED = {
    ("govmedia.run.engine", "govmedia.run.modes"):
        "start-up: a run answered from the result cache never imports the loader, models and rules",
    ("govmedia.commands.site", "govmedia.site.export"):
        "light install: the site's modules need the site extra, and `govmedia --help` imports every command",
    ("govmedia.commands.site", "govmedia.site.site"):
        "light install: the site's modules need the site extra, and `govmedia --help` imports every command",
}


# Documents that live outside the repository: the code carries their design in docs/ instead.
FOREIGN_REFERENCE = re.compile(r"\bSPEC\b|§|ARTICLES\.md|\bissue \d+|\.\./shared/")


@dataclass
class Import:
    target: str
    line: int
    deferred: bool  # inside a function
    typing_only: bool  # under ``if TYPE_CHECKING:``


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    lines: int
    imports: list[Import] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> govmedia module it names


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Module]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        out[_name(path)] = Module(_name(path), path, ast.parse(text), text.count("\n"))
    for module in out.values():
        _read_imports(module, out)
    return out


def _known(name: str, modules: dict[str, Module]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _walk(node: ast.AST, deferred: bool = False, typing_only: bool = False) -> Iterator[tuple[ast.AST, bool, bool]]:
    for child in ast.iter_child_nodes(node):
        yield child, deferred, typing_only
        inner_deferred = deferred or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        inner_typing = typing_only or (isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test))
        yield from _walk(child, inner_deferred, inner_typing)


def _read_imports(module: Module, modules: dict[str, Module]) -> None:
    package = module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
    for node, deferred, typing_only in _walk(module.tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        targets: list[tuple[str, str | None]] = []  # (module, local alias)
        if isinstance(node, ast.Import):
            targets = [(a.name, a.asname) for a in node.names]
        else:
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.append((full if full in modules else base, alias.asname or alias.name))
        for target, local in targets:
            found = _known(target, modules)
            if found is None or found == module.name:
                continue
            module.imports.append(Import(found, node.lineno, deferred, typing_only))
            if local and found == target:
                module.aliases[local] = found


MODULES = _modules()


def _layer(name: str) -> float | None:
    parts = name.split(".")
    if len(parts) == 1:
        return -1  # the package itself: its version
    if parts[1] == "__main__":
        return LAYERS.index("cli")
    if parts[1] == "site":
        return LAYERS.index("run") + 0.5
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    edges = {name: {i.target for i in m.imports} for name, m in MODULES.items()}
    assert _cycles(edges) == []


def test_a_cycle_is_found() -> None:
    """The detector itself: a cycle through a function-level import counts."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    code = "def f():\n    from govmedia.run import engine\n"
    module = Module("govmedia.x", PACKAGE / "x.py", ast.parse(code), 2)
    _read_imports(module, {**MODULES, "govmedia.x": module})
    assert [(i.target, i.deferred) for i in module.imports] == [("govmedia.run.engine", True)]


def test_imports_follow_the_layers() -> None:
    wrong = []
    for name, module in MODULES.items():
        here = _layer(name)
        for imp in module.imports:
            there = _layer(imp.target)
            if here is None or there is None:
                wrong.append(f"{name} -> {imp.target}: a module outside the layers")
            elif imp.target.split(".")[1:2] == ["site"] and name.split(".")[1:2] not in (["site"], ["commands"]):
                wrong.append(f"{name}:{imp.line} -> {imp.target}: only commands/ read the site")
            elif there > here:
                wrong.append(f"{name}:{imp.line} -> {imp.target}: against the layer order")
    assert wrong == []


def test_no_library_module_imports_the_cli_or_a_command() -> None:
    wrong = [f"{name}:{imp.line} -> {imp.target}" for name, module in MODULES.items()
             if name != "govmedia.cli" and not name.startswith(("govmedia.commands", "govmedia.__main__"))
             for imp in module.imports if imp.target == "govmedia.cli" or imp.target.startswith("govmedia.commands")]
    assert wrong == []


def test_function_level_imports_are_listed_with_their_reason() -> None:
    deferred = {(name, imp.target) for name, module in MODULES.items() for imp in module.imports
                if imp.deferred and not imp.typing_only}
    assert deferred - DEFERRED.keys() == set()
    assert DEFERRED.keys() <= deferred  # a listed one that is gone: remove it from the list


def _private_uses(module: Module) -> Iterator[str]:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if not alias.name.startswith("_") or alias.name.startswith("__") or node.level:
                    continue
                base = _known(node.module or "", MODULES)
                if base is not None:
                    yield f"{base}.{alias.name}"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = module.aliases.get(node.value.id)
            if target is not None and node.attr.startswith("_") and not node.attr.startswith("__"):
                yield f"{target}.{node.attr}"


def test_no_private_name_is_used_across_modules() -> None:
    wrong = sorted({(name, use) for name, module in MODULES.items() for use in _private_uses(module)})
    assert wrong == []


def _functions(node: ast.AST, prefix: str) -> Iterator[tuple[str, int]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}.{child.name}"
            if not isinstance(child, ast.ClassDef):
                yield name, (child.end_lineno or child.lineno) - child.lineno + 1
            yield from _functions(child, name)


def test_small_units() -> None:
    long = [f"{name}: {lines} lines" for name, module in MODULES.items() if (lines := module.lines) > MAX_MODULE_LINES]
    long += [f"{fn}: {lines} lines" for name, module in MODULES.items() for fn, lines in _functions(module.tree, name)
             if lines > MAX_FUNCTION_LINES]
    assert long == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_reference_to_documents_outside_the_repository(name: str) -> None:
    text = MODULES[name].path.read_text(encoding="utf-8")
    hits = [f"{no}: {line.strip()}" for no, line in enumerate(text.splitlines(), 1) if FOREIGN_REFERENCE.search(line)]
    assert hits == []


def test_docs_name_every_folder_and_where_to_add_things() -> None:
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert [f for f in folders if f"**{f}/**" not in doc] == []
    for heading in ("### Adding a rule", "### Adding a platform", "### Adding a command"):
        assert heading in doc


def test_cited_sections_of_docs_exist() -> None:
    """A comment that cites docs/architecture.md, "Section" names a heading of that page."""
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#+ (.+)$", doc, re.M))
    cited = {m for module in MODULES.values()
             for m in re.findall(r'docs/architecture\.md, "([^"]+)"', module.path.read_text(encoding="utf-8"))}
    assert cited and cited - headings == set()


# What only the run machinery may touch: how much of the register a run loaded, and its caches.
RUN_INTERNALS = {"scope", "carry", "carried", "unowned_share", "in_scope", "CleanMemo", "ParseCache", "ResultCache"}


def test_rules_do_not_know_how_the_run_is_executed() -> None:
    """Rules read the registry and their context; the registry answers scope questions (lacks_account,
    unit_results, unowned) and the context carries the memo and the base snapshot."""
    wrong = []
    for name, module in MODULES.items():
        if not name.startswith("govmedia.rules"):
            continue
        wrong += [f"{name}:{imp.line} imports {imp.target}" for imp in module.imports
                  if imp.target.startswith(("govmedia.run", "govmedia.register.cache", "govmedia.register.results",
                                            "govmedia.history.gitbase"))
                  and not (name == "govmedia.rules.history" and imp.target == "govmedia.history.gitbase")]
        wrong += [f"{name}:{node.lineno} uses {node.attr if isinstance(node, ast.Attribute) else node.id}"
                  for node in ast.walk(module.tree)
                  if (isinstance(node, ast.Attribute) and node.attr in RUN_INTERNALS)
                  or (isinstance(node, ast.Name) and node.id in RUN_INTERNALS)]
    assert wrong == []
