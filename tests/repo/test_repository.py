"""Repository checks that need no Odoo: manifests, data files, Odoo 18 view syntax,
ACL rows, i18n, packaging, addon size, docs, and the engine's independence from Odoo
(no Odoo import, no import cycle, no private name used outside its module).

XML well-formedness and PO syntax are left to pre-commit (check-xml, oca-checks-po).

Addons are discovered: every top-level directory holding a ``__manifest__.py``.
"""

import ast
import csv
import glob
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "pyme_ai"
AUTHOR = "pyme_ai contributors"
CORE_ADDONS = ("pyme_ai_base", "pyme_ai_crm", "pyme_ai_inventory", "pyme_ai_chat")
ACL_HEADER = [
    "id",
    "name",
    "model_id:id",
    "group_id:id",
    "perm_read",
    "perm_write",
    "perm_create",
    "perm_unlink",
]
#: Import names people put in external_dependencies instead of the PyPI name.
IMPORT_NAMES = {
    "sklearn": "scikit-learn",
    "yaml": "PyYAML",
    "dateutil": "python-dateutil",
    "PIL": "Pillow",
    "bs4": "beautifulsoup4",
    "cv2": "opencv-python",
    "pyme_ai": "pyme-ai",
    "stdnum": "python-stdnum",
    "magic": "python-magic",
    "jwt": "PyJWT",
    "Crypto": "pycryptodome",
}
PEP508_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")


def _addons():
    return sorted(
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and (path / "__manifest__.py").is_file()
    )


ADDONS = _addons()


def _manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text("utf-8"))


def _installable(addon):
    return _manifest(addon).get("installable", True)


def _repo_dependencies(addon, seen=None):
    """The addon's dependencies inside this repository, transitively."""
    seen = set() if seen is None else seen
    for dep in _manifest(addon).get("depends", []):
        if dep in ADDONS and dep not in seen:
            seen.add(dep)
            _repo_dependencies(dep, seen)
    return seen


def _files(addon, pattern):
    return sorted((ROOT / addon).rglob(pattern))


def _rel(path):
    return path.relative_to(ROOT).as_posix()


# --------------------------------------------------------------------- sanity
def test_core_addons_exist():
    missing = [name for name in CORE_ADDONS if name not in ADDONS]
    assert not missing, f"core addons without __manifest__.py: {missing}"


def test_no_manifest_outside_addons():
    # pyme_ai/, tests/, bench/, setup/ must stay invisible to Odoo
    for name in ("pyme_ai", "tests", "bench", "setup"):
        assert not list((ROOT / name).rglob("__manifest__.py")), name


# ------------------------------------------------------------------ manifests
@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_keys(addon):
    manifest = _manifest(addon)
    assert manifest.get("license") == "LGPL-3"
    assert re.match(r"^18\.0\.\d+\.\d+\.\d+$", manifest.get("version", "")), (
        f"version {manifest.get('version')!r} is not 18.0.x.y.z"
    )
    assert AUTHOR in manifest.get("author", ""), f"author must contain {AUTHOR!r}"
    assert "description" not in manifest, "use readme/DESCRIPTION.md"
    assert manifest.get("name"), "name is required"
    assert manifest.get("installable", True) in (True, False)
    assert manifest.get("installable") is not True, "installable: True is the default"
    assert isinstance(manifest.get("depends", []), list)


@pytest.mark.parametrize("addon", ADDONS)
def test_external_dependencies_use_pypi_names(addon):
    python = _manifest(addon).get("external_dependencies", {}).get("python", [])
    for requirement in python:
        match = PEP508_NAME.match(requirement)
        assert match, f"{requirement!r} is not a PEP 508 requirement"
        name = match.group(0)
        assert name not in IMPORT_NAMES, (
            f"{name!r} is an import name: use {IMPORT_NAMES[name]!r}"
        )
        assert "==" not in requirement, f"no exact pins: {requirement!r}"


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_data_and_demo_files_exist(addon):
    manifest = _manifest(addon)
    for key in ("data", "demo"):
        for entry in manifest.get(key, []):
            assert (ROOT / addon / entry).is_file(), f"{key} file {entry} is missing"
        entries = manifest.get(key, [])
        assert len(entries) == len(set(entries)), f"{key} lists a file twice"


def _asset_paths(entry):
    """Paths an assets entry refers to (``include`` names a bundle, not a path)."""
    if isinstance(entry, str):
        return [entry]
    directive, *args = entry
    if directive == "include":
        return []
    if directive in ("remove", "prepend"):
        return [args[0]]
    return [args[-1]]  # after/before/replace: (directive, target, path)


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_assets_exist(addon):
    for bundle, entries in _manifest(addon).get("assets", {}).items():
        for entry in entries:
            for path in _asset_paths(entry):
                owner = path.lstrip("/").split("/", 1)[0]
                if owner not in ADDONS:
                    continue  # another project's file (web/..., website/...)
                where = f"{bundle}: {path}"
                if any(char in path for char in "*?["):
                    matches = glob.glob(str(ROOT / path.lstrip("/")), recursive=True)
                    assert matches, f"{where} matches no file"
                else:
                    assert (ROOT / path.lstrip("/")).is_file(), f"{where} is missing"


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_has_whool_pyproject(addon):
    path = ROOT / addon / "pyproject.toml"
    assert path.is_file(), "pyproject.toml (whool build-system) is missing"
    text = path.read_text("utf-8")
    if tomllib:
        build = tomllib.loads(text).get("build-system", {})
        assert "whool" in build.get("requires", [])
        assert build.get("build-backend") == "whool.buildapi"
    else:
        assert re.search(r'requires\s*=\s*\[\s*"whool"\s*\]', text)
        assert re.search(r'build-backend\s*=\s*"whool\.buildapi"', text)


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_tests_are_all_imported(addon):
    # Odoo only runs the test_* modules that tests/__init__.py imports
    tests = ROOT / addon / "tests"
    modules = {path.stem for path in tests.glob("test_*.py")}
    if not modules:
        pytest.skip(f"{addon} has no tests/test_*.py")
    init = tests / "__init__.py"
    assert init.is_file(), "tests/__init__.py is missing"
    imported = set()
    for node in ast.walk(ast.parse(init.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            imported.update(alias.name for alias in node.names)
            if node.module:
                imported.add(node.module.split(".")[-1])
    assert modules <= imported, f"not imported: {sorted(modules - imported)}"


# ----------------------------------------------------------------------- XML
def _xml_files():
    return [_rel(path) for addon in ADDONS for path in _files(addon, "*.xml")]


def _view_archs(root):
    for record in root.iter("record"):
        if record.get("model") == "ir.ui.view":
            for field in record.iter("field"):
                if field.get("name") == "arch":
                    yield field
    yield from root.iter("template")


@pytest.mark.parametrize("path", _xml_files())
def test_xml_uses_odoo_18_syntax(path):
    root = ET.parse(ROOT / path).getroot()
    problems = []
    for arch in _view_archs(root):
        for node in arch.iter():
            if node.tag == "tree":
                problems.append("<tree> is <list> since 17.0")
            for attr in ("attrs", "states"):
                if attr in node.attrib:
                    problems.append(f"{attr}= on <{node.tag}> (removed in 17.0)")
    for record in root.iter("record"):
        if record.get("model") == "ir.cron":
            for field in record.iter("field"):
                if field.get("name") in ("numbercall", "doall"):
                    problems.append(
                        f"ir.cron field {field.get('name')} is gone in 18.0"
                    )
    assert not problems, problems


# ------------------------------------------------------------------------ ACL
def _base_names(node):
    for base in node.bases:
        if isinstance(base, ast.Attribute):
            yield base.attr
        elif isinstance(base, ast.Name):
            yield base.id


def _class_strings(node, name):
    """String value(s) of a class attribute: ``_name = "x"`` or ``_inherit = [...]``."""
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in stmt.targets
        ):
            value = stmt.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return [value.value]
            if isinstance(value, ast.List | ast.Tuple):
                return [
                    elt.value
                    for elt in value.elts
                    if isinstance(elt, ast.Constant) and isinstance(elt.value, str)
                ]
    return []


def _new_models(addon):
    """(model name, kind, has _description, file) for models the addon defines."""
    found = []
    for path in _files(addon, "*.py"):
        if "tests" in path.relative_to(ROOT / addon).parts:
            continue  # test models come with their own loader
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            kinds = {"Model", "TransientModel", "AbstractModel"} & set(
                _base_names(node)
            )
            names = _class_strings(node, "_name")
            if not kinds or not names or names[0] in _class_strings(node, "_inherit"):
                continue
            has_description = bool(_class_strings(node, "_description"))
            found.append((names[0], kinds.pop(), has_description, _rel(path)))
    return found


def _acl_rows(addon):
    path = ROOT / addon / "security" / "ir.model.access.csv"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("addon", ADDONS)
def test_acl_csv_format(addon):
    path = ROOT / addon / "security" / "ir.model.access.csv"
    if not path.is_file():
        pytest.skip(f"{addon} has no ir.model.access.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ACL_HEADER
    ids = [row[0] for row in rows[1:]]
    assert len(ids) == len(set(ids)), "duplicate ACL ids"
    for row in rows[1:]:
        assert len(row) == len(ACL_HEADER), f"row {row[0]!r} has {len(row)} fields"
        assert all(value in ("0", "1") for value in row[4:]), row
    data = _manifest(addon).get("data", [])
    assert "security/ir.model.access.csv" in data, "csv not listed in data"


@pytest.mark.parametrize("addon", ADDONS)
def test_every_model_has_an_acl_row(addon):
    granted = set()
    for owner in {addon} | _repo_dependencies(addon):
        for row in _acl_rows(owner):
            granted.add(row.get("model_id:id", "").split(".")[-1])
    missing = [
        f"{name} ({path})"
        for name, kind, _desc, path in _new_models(addon)
        if kind != "AbstractModel" and f"model_{name.replace('.', '_')}" not in granted
    ]
    assert not missing, f"models without an ACL row: {missing}"


@pytest.mark.parametrize("addon", ADDONS)
def test_every_new_model_has_a_description(addon):
    missing = [name for name, _kind, has, _path in _new_models(addon) if not has]
    assert not missing, f"models without _description: {missing}"


# ----------------------------------------------------------------------- i18n
_PO_STRING = re.compile(r'^"(.*)"$')
_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _po_unescape(text, where):
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            if i + 1 >= len(text) or text[i + 1] not in _PO_ESCAPES:
                raise ValueError(f"{where}: bad escape in {text!r}")
            out.append(_PO_ESCAPES[text[i + 1]])
            i += 2
        else:
            if char == '"':
                raise ValueError(f"{where}: unescaped quote in {text!r}")
            out.append(char)
            i += 1
    return "".join(out)


class _PoReader:
    """Line-by-line PO reader; see :func:`parse_po`."""

    KEYWORD = re.compile(
        r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$'
    )

    def __init__(self, name):
        self.name = name
        self.entries = []
        self.entry = None
        self.key = None  # (keyword, plural index or None) continued by "..." lines

    def close(self):
        entry = self.entry
        if entry is not None and "msgid" in entry:
            if "msgstr" not in entry:
                raise ValueError(f"{self.name}: {entry['msgid']!r} has no msgstr")
            self.entries.append(entry)
        self.entry, self.key = None, None

    def start(self, number):
        self.close()
        self.entry = {"flags": set(), "line": number}

    def feed(self, number, raw):
        where = f"{self.name}:{number}"
        line = raw.strip()
        if not line:
            self.close()
            return
        if line.startswith("#~"):
            return  # obsolete entry
        if self.entry is None or (line.startswith("#") and "msgstr" in self.entry):
            self.start(number)
        if line.startswith("#"):
            if line.startswith("#,"):
                flags = (flag.strip() for flag in line[2:].split(","))
                self.entry["flags"].update(flag for flag in flags if flag)
            return
        match = self.KEYWORD.match(line)
        if match:
            self.keyword(match, number, where)
            return
        match = _PO_STRING.match(line)
        if not match or self.key is None:
            raise ValueError(f"{where}: cannot parse {raw!r}")
        keyword, index = self.key
        if index is None:
            self.entry[keyword] += _po_unescape(match.group(1), where)
        else:
            self.entry[keyword][index] += _po_unescape(match.group(1), where)

    def keyword(self, match, number, where):
        keyword, index, rest = match.groups()
        string = _po_unescape(_PO_STRING.match(rest).group(1), where)
        if keyword in ("msgctxt", "msgid") and "msgstr" in self.entry:
            self.start(number)  # next entry without a blank line
        entry = self.entry
        if index is None:
            if keyword in entry:
                raise ValueError(f"{where}: {keyword} repeated")
            entry[keyword] = string
            self.key = (keyword, None)
            return
        plural = entry.setdefault("msgstr", {})
        if not isinstance(plural, dict) or int(index) in plural:
            raise ValueError(f"{where}: bad msgstr[{index}]")
        plural[int(index)] = string
        self.key = ("msgstr", int(index))


def parse_po(text, name="<po>"):
    """Entries of a PO/POT file as dicts: msgctxt, msgid, msgid_plural, msgstr
    (a string, or a dict index -> string for plurals), flags, line; obsolete
    ``#~`` entries are left out. Raises ValueError on a syntax error."""
    reader = _PoReader(name)
    for number, raw in enumerate(text.splitlines(), start=1):
        reader.feed(number, raw)
    reader.close()
    return reader.entries


def _translated(entry):
    values = entry["msgstr"]
    values = list(values.values()) if isinstance(values, dict) else [values]
    return "fuzzy" not in entry["flags"] and all(values)


_NAMED = re.compile(r"%\((\w+)\)[sdfr]")
_POSITIONAL = re.compile(r"%[sdfr]")


def _placeholders(text):
    """Named and positional printf placeholders: (sorted names, positional count)."""
    text = text.replace("%%", "")
    return tuple(sorted(_NAMED.findall(text))), len(_POSITIONAL.findall(text))


def test_po_parser_on_a_sample():
    sample = r"""
# Translation of Odoo Server.
msgid ""
msgstr ""
"Project-Id-Version: Odoo Server 18.0\n"
"Content-Type: text/plain; charset=UTF-8\n"

#. module: pyme_ai_base
#: model:ir.model.fields,field_description:pyme_ai_base.field_x
msgid "AI Score"
msgstr "Puntuación IA"

#, fuzzy, python-format
msgctxt "button"
msgid ""
"Train "
"now"
msgstr "Entrenar \"ya\"\n"

msgid "%(count)s lead"
msgid_plural "%(count)s leads"
msgstr[0] "%(count)s oportunidad"
msgstr[1] ""

#~ msgid "Old"
#~ msgstr "Viejo"
"""
    entries = parse_po(sample)
    assert [e["msgid"] for e in entries] == [
        "",
        "AI Score",
        "Train now",
        "%(count)s lead",
    ]
    header, score, train, plural = entries
    assert "charset=UTF-8" in header["msgstr"]
    assert score["msgstr"] == "Puntuación IA" and _translated(score)
    assert train["msgctxt"] == "button" and train["flags"] == {"fuzzy", "python-format"}
    assert train["msgstr"] == 'Entrenar "ya"\n' and not _translated(train)
    assert plural["msgid_plural"] == "%(count)s leads"
    assert plural["msgstr"] == {0: "%(count)s oportunidad", 1: ""}
    assert not _translated(plural)
    assert _placeholders("%(a)s y %s, 100%%") == (("a",), 1)
    for broken in (
        'msgid "a"\nmsgstr "b\n',
        'msgid "a"\n',
        'msgid "a"\nmsgstr "\\q"\n',
    ):
        with pytest.raises(ValueError):
            parse_po(broken)


def _po(addon, filename):
    path = ROOT / addon / "i18n" / filename
    assert path.is_file(), f"{_rel(path)} is missing"
    return parse_po(path.read_text("utf-8"), _rel(path))


def _keyed(entries):
    keyed = {}
    for entry in entries:
        key = (entry.get("msgctxt"), entry["msgid"])
        assert key not in keyed, f"duplicate message {key!r} (line {entry['line']})"
        keyed[key] = entry
    return keyed


@pytest.mark.parametrize("addon", ADDONS)
def test_i18n_files(addon):
    assert not (ROOT / addon / "i18n" / "en.po").exists(), (
        "no en.po: sources are English"
    )
    _keyed(_po(addon, f"{addon}.pot"))
    _keyed(_po(addon, "es.po"))


@pytest.mark.parametrize("addon", ADDONS)
def test_es_po_is_complete(addon):
    pot = _keyed(_po(addon, f"{addon}.pot"))
    es = _keyed(_po(addon, "es.po"))
    untranslated, wrong = [], []
    for key, source in pot.items():
        if not key[1]:
            continue  # header
        entry = es.get(key)
        if entry is None or not _translated(entry):
            untranslated.append(key[1])
            continue
        targets = entry["msgstr"]
        targets = targets.values() if isinstance(targets, dict) else [targets]
        sources = [source["msgid"], source.get("msgid_plural", source["msgid"])]
        expected = {_placeholders(text) for text in sources}
        for target in targets:
            if _placeholders(target) not in expected:
                wrong.append((key[1], target))
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:10]}"
    assert not wrong, f"placeholders differ: {wrong[:10]}"


# ------------------------------------------------------------------ packaging
def _requirement_names(path):
    names = set()
    for line in (ROOT / path).read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert "/" not in line, f"{path}: unreleased dependency {line!r}"
            names.add(PEP508_NAME.match(line).group(0).lower().replace("_", "-"))
    return names


def test_requirements_files_have_no_urls_and_cover_manifests():
    assert (
        (ROOT / "requirements.txt")
        .read_text("utf-8")
        .startswith("# generated from manifests external_dependencies")
    )
    declared = _requirement_names("requirements.txt")
    _requirement_names("test-requirements.txt")
    needed = {
        PEP508_NAME.match(req).group(0).lower().replace("_", "-")
        for addon in ADDONS
        for req in _manifest(addon).get("external_dependencies", {}).get("python", [])
    }
    assert needed <= declared, f"missing from requirements.txt: {needed - declared}"


def test_metapackage_lists_every_installable_addon():
    text = (ROOT / "setup" / "_metapackage" / "pyproject.toml").read_text("utf-8")
    listed = set(re.findall(r'"odoo-addon-([a-z0-9_]+)==18\.0\.\*"', text))
    expected = {addon for addon in ADDONS if _installable(addon)}
    assert expected <= listed, f"not in the metapackage: {sorted(expected - listed)}"
    assert listed <= set(ADDONS), f"unknown addons: {sorted(listed - set(ADDONS))}"


# --------------------------------------------------------------------- engine
def _engine_files():
    return sorted(_rel(path) for path in ENGINE.rglob("*.py"))


def test_engine_has_python_files():
    assert "pyme_ai/__init__.py" in _engine_files()


@pytest.mark.parametrize("path", _engine_files())
def test_engine_never_imports_odoo(path):
    tree = ast.parse((ROOT / path).read_text("utf-8"), filename=path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        for name in names:
            assert name != "odoo" and not name.startswith("odoo."), (
                f"{path}:{node.lineno} imports {name}"
            )


def _engine_module(path):
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _engine_imports():
    """{module: {(imported module, [names], lineno)}} of first-party engine imports."""
    graph = {}
    for path in _engine_files():
        module = _engine_module(path)
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        tree = ast.parse((ROOT / path).read_text("utf-8"), filename=path)
        edges = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    edges.append((alias.name, [], node.lineno))
                continue
            else:
                continue
            if target == "pyme_ai" or target.startswith("pyme_ai."):
                edges.append((target, names, node.lineno))
        graph[module] = edges
    return graph


def test_engine_has_no_import_cycle():
    graph = _engine_imports()
    modules = set(graph)

    def resolve(target, names):
        found = {target} if target in modules else set()
        for name in names:
            if f"{target}.{name}" in modules:
                found.add(f"{target}.{name}")
        return found

    deps = {
        module: {
            dep
            for target, names, __ in edges
            for dep in resolve(target, names)
            # a package importing its own submodules is not a cycle
            if dep != module and not dep.startswith(module + ".")
        }
        for module, edges in graph.items()
    }
    # __init__ modules re-export: follow only module -> module edges between files
    # that are not packages importing their children.
    state, cycles = {}, []

    def visit(module, stack):
        state[module] = "open"
        for dep in sorted(deps.get(module, ())):
            if dep.startswith(module + ".") or module.startswith(dep + "."):
                continue
            if state.get(dep) == "open":
                cycles.append(stack[stack.index(dep) :] + [dep])
            elif dep not in state:
                visit(dep, stack + [dep])
        state[module] = "done"

    for module in sorted(deps):
        if module not in state:
            visit(module, [module])
    assert not cycles, f"import cycles: {cycles}"


def test_engine_private_names_stay_in_their_module():
    problems = []
    for module, edges in _engine_imports().items():
        for target, names, lineno in edges:
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                problems.append(f"{module}:{lineno} imports {private} from {target}")
    for path in _engine_files():
        tree = ast.parse((ROOT / path).read_text("utf-8"), filename=path)
        aliases = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom | ast.Import)
            for alias in node.names
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                problems.append(
                    f"{path}:{node.lineno} uses {node.value.id}.{node.attr}"
                )
    assert not problems, problems


# ---------------------------------------------------------------- addon shape
#: Python lines an addon may hold (tests excluded): one concern per addon.
MAX_ADDON_LINES = 1500
#: pyme_ai_base is no concern but the framework every addon builds on (capability
#: contract, model registry, runs, notices, switches, retention)
MAX_BASE_LINES = 1700


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_is_one_concern_sized(addon):
    lines = sum(
        len(path.read_text("utf-8").splitlines())
        for path in (ROOT / addon).rglob("*.py")
        if "tests" not in path.relative_to(ROOT / addon).parts
    )
    limit = MAX_BASE_LINES if addon == "pyme_ai_base" else MAX_ADDON_LINES
    assert lines <= limit, f"{addon}: {lines} lines of Python"


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_version_is_18_0_2(addon):
    version = _manifest(addon)["version"]
    assert version.startswith("18.0.2."), f"{addon}: version {version}"


@pytest.mark.parametrize("doc", ["README.md", "ARCHITECTURE.md"])
def test_docs_list_every_addon(doc):
    text = (ROOT / doc).read_text("utf-8")
    missing = [addon for addon in ADDONS if f"`{addon}`" not in text]
    assert not missing, f"{doc} does not mention {missing}"
