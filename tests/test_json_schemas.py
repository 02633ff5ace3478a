"""The published JSON Schemas (schemas/json/) under the ecosystem's standard validators.

Editors (yaml-language-server) and CI tools validate register files with these schemas, not with govmedia:
check-jsonschema (PyPI, in the dev extra) must accept every schema under its default metaschema check, and
ajv (npm, the validator family of editors, installed by this test into the git-ignored .tools/ajv) must
compile each one in strict mode. Both must then accept every file of the shipped register and of a demo
register, and refuse a file that breaks a pattern.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from govmedia.dialect import yamlload

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas" / "json"
AJV_DIR = REPO / ".tools" / "ajv"
AJV_SCRIPT = Path(__file__).parent / "tools" / "ajv_validate.js"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def documents(root: Path) -> Iterator[tuple[str, Path]]:
    """(kind, path) of every document of a register: the schema each file's first line names."""
    yield "governance", root / "policies" / "governance.yaml"
    for unit in sorted((root / "accounts").iterdir()):
        yield "unit", unit / "unit.yaml"
        for account in sorted(p for p in unit.iterdir() if p.is_dir()):
            yield "account", account / "account.yaml"
            for folder in sorted((account / "requests").glob("*")):
                for item in sorted(folder.glob("*.yaml")):
                    yield ("request" if item.name == "request.yaml" else "approval"), item
    for page in sorted((root / "announcements").glob("*.md")):
        yield "announcement", page


def _front_matter(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    head, sep, _ = text.removeprefix("---\n").partition("\n---\n")
    assert sep, page
    return head + "\n"


def _yaml_files(root: Path, out: Path) -> dict[str, list[Path]]:
    """Per kind, the YAML files to validate; an announcement's front matter is written to ``out``."""
    by_kind: dict[str, list[Path]] = {}
    for kind, path in documents(root):
        if kind == "announcement":
            target = out / f"{path.stem}.yaml"
            target.write_text(_front_matter(path), encoding="utf-8")
            path = target
        by_kind.setdefault(kind, []).append(path)
    return by_kind


def _check_jsonschema(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHECK_JSONSCHEMA), *map(str, args)], capture_output=True, text=True, timeout=300)


def _validate_with_check_jsonschema(root: Path, tmp: Path) -> list[str]:
    failures = []
    for kind, files in _yaml_files(root, tmp).items():
        result = _check_jsonschema("--schemafile", SCHEMAS / f"{kind}.schema.json", *files)
        if result.returncode != 0:
            failures.append(f"{kind}: {result.stdout}{result.stderr}")
    return failures


def test_every_schema_passes_the_metaschema_check() -> None:
    schemas = sorted(SCHEMAS.glob("*.schema.json"))
    assert len(schemas) == 6
    result = _check_jsonschema("--check-metaschema", *schemas)
    assert result.returncode == 0, result.stdout + result.stderr


def test_metaschema_check_refuses_an_ecma_invalid_pattern(tmp_path: Path) -> None:
    """The check above can fail: the escape the url pattern once had is refused."""
    schema = json.loads((SCHEMAS / "account.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["url"]["pattern"] = "^https://[^\\s<>\\\"'`]+$"
    bad = tmp_path / "bad.schema.json"
    bad.write_text(json.dumps(schema), encoding="utf-8")
    result = _check_jsonschema("--check-metaschema", bad)
    assert result.returncode == 1 and "regex" in result.stdout


def test_shipped_register_is_valid_under_the_published_schemas(tmp_path: Path) -> None:
    assert _validate_with_check_jsonschema(REPO, tmp_path) == []


def test_demo_register_is_valid_under_the_published_schemas(make_register: Callable[..., Path],
                                                            tmp_path: Path) -> None:
    root = make_register()
    out = tmp_path / "front"
    out.mkdir()
    assert _validate_with_check_jsonschema(root, out) == []


def test_a_bad_url_is_refused_by_the_published_schema(make_register: Callable[..., Path], tmp_path: Path) -> None:
    root = make_register()
    account = root / "accounts/wangyi-education/weibo/account.yaml"
    text = account.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("url: "))
    account.write_text(text.replace(line, 'url: "https://weibo.com/a b"'), encoding="utf-8")
    result = _check_jsonschema("--schemafile", SCHEMAS / "account.schema.json", account)
    assert result.returncode == 1 and "url" in result.stdout


# -- ajv ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ajv_lib() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("needs node and npm (apt-get install nodejs npm)")
    lib = AJV_DIR / "node_modules"
    if not (lib / "ajv" / "dist" / "2020.js").is_file() or not (lib / "ajv-formats").is_dir():
        AJV_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(AJV_DIR),
                                 "ajv@8", "ajv-formats@3"], capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
    return lib


def _ajv(lib: Path, docs: list[tuple[str, str, Any]]) -> subprocess.CompletedProcess[str]:
    schemas = {p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
               for p in sorted(SCHEMAS.glob("*.schema.json"))}
    payload = json.dumps({"schemas": schemas, "documents": docs}, ensure_ascii=False)
    return subprocess.run(["node", str(AJV_SCRIPT), str(lib)], input=payload, capture_output=True, text=True,
                          timeout=120)


def _loaded(root: Path) -> list[tuple[str, str, Any]]:
    """Every document as govmedia's own strict YAML loader reads it (dates stay text)."""
    out = []
    for kind, path in documents(root):
        raw = path.read_bytes()
        if kind == "announcement":
            md, problems = yamlload.load_markdown(raw, str(path))
            doc = md.front if md is not None else None
        else:
            doc, problems = yamlload.load_bytes(raw, str(path))
        assert doc is not None, problems
        out.append((kind, str(path.relative_to(root)), doc.data))
    return out


def test_ajv_compiles_every_schema_and_accepts_both_registers(ajv_lib: Path,
                                                              make_register: Callable[..., Path]) -> None:
    docs = _loaded(REPO) + _loaded(make_register())
    assert len(docs) > 100
    result = _ajv(ajv_lib, docs)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(docs)} documents, 0 refused" in result.stdout


def test_ajv_refuses_a_bad_url(ajv_lib: Path, make_register: Callable[..., Path]) -> None:
    docs = [d for d in _loaded(make_register()) if d[0] == "account"][:1]
    kind, name, data = docs[0]
    result = _ajv(ajv_lib, [(kind, name, {**data, "url": "https://weibo.com/<script>"})])
    assert result.returncode == 1 and "must match pattern" in result.stdout
