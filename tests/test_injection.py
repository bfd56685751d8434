"""No injection: hostile text in a page reaches the output only as quoted text.

The test writes a page whose summary, description, parameter names and descriptions,
enum values, schema property names, titles and descriptions carry quote runs, backslashes,
Jinja syntax, ``</script>``, ``<!--``, NUL, U+2028, newlines and code such as
``__import__('os').system(...)``. The generated package must compile, import without
running anything (the payload would create a marker file), pass ``mypy --strict``, and its
HTML shows the text as text.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import StaticChecks

MARKER_NAME = "PWNED"


def payloads(marker: Path) -> list[str]:
    """Strings that run code (creating ``marker``) if pasted into Python or a template."""
    code = f"__import__('os').system('touch {marker}')"
    return [
        code,
        f'""" + {code} + """',
        f"''' + {code} + '''",
        f'"; {code}; "',
        f'\\"; {code}  # \\',
        f"{{{{ {code} }}}}",
        f"{{% if {code} %}}{{% endif %}}",
        "{{ config }} {% raw %} {# x #}",
        f"</script><script>{code}</script>",
        "<!-- --> -->",
        f"\x00NUL\u2028LS\u2029PS\r\nCRLF\n{code}",
        "\\ \\\\ \\N{BULLET} \\x41 \\u0041",
        '"""',
        "'''",
        '\\"""',
        "ü ß 中文 😀",
    ]


def field_names(marker: Path) -> list[str]:
    return [
        f"__import__('os').system('touch {marker}')",
        "__class__",
        "__init__",
        "1abc",
        "ü",
        "",
        "a\nb",
        "a\u2028c",
        "{{ x }}",
        "</script>",
        "self",
        "body",
        "NOT_GIVEN",
        "request_options",
    ]


def _schema(marker: Path) -> dict[str, object]:
    texts = payloads(marker)
    props: dict[str, object] = {
        name: {"type": "string", "description": texts[i % len(texts)]}
        for i, name in enumerate(field_names(marker))
    }
    props["kind"] = {"type": "string", "enum": [t for t in texts if t], "description": texts[1]}
    props["nested"] = {
        "title": texts[2],
        "description": texts[8],
        "type": "object",
        "properties": {texts[0]: {"type": "integer"}, "class": {"type": "boolean"}},
    }
    props["other"] = {
        "title": "class",
        "type": "object",
        "properties": {"class": {"type": "string"}, '"""': {"enum": [texts[4], "x"]}},
    }
    return {"type": "object", "title": texts[3], "properties": props}


def _param(name: str, location: str, description: str) -> str:
    return (
        f'<dt  class="parameter"><span  class="parameterName">{html.escape(name)}</span> [ in: '
        f'<span  class="parameterLocation">{location}</span> type: '
        '<span  class="parameterType">string</span> ]</dt><dd  class="parameter">'
        f'<span  class="parameterDescription">{html.escape(description)}</span> '
        '<span  class="parameterRequired">optional</span></dd>'
    )


def hostile_page(marker: Path) -> str:
    texts = payloads(marker)
    summary = html.escape(" ".join(texts[:10]))
    description = "<p>" + html.escape(" ".join(texts)) + "</p>" + texts[8] + texts[9]
    params = "".join(
        _param(name, "query", texts[i % len(texts)])
        for i, name in enumerate(["thing\nname", "__class__", "1abc", "ü", texts[0]])
    )
    schema = html.escape(json.dumps(_schema(marker), indent=2)).replace("\n", "&#xA;")
    return (
        f"<!DOCTYPE html><html><head><title>{summary}</title></head><body><article>"
        f'<section  class="requestOverview"><h1  class="requestSummary">{summary}</h1>'
        f'<p  class="requestDescription">{description}</p></section>'
        '<section  class="http"><h3>HTTP Request</h3><pre  class="httpExample">'
        '<span  class="requestLine">POST</span> <span  class="httpTarget">\\v1\\things</span> '
        '<span  class="httpVersion">HTTP/1.1</span>\n'
        '<span  class="headerLine">host</span>: <span  class="headerValue">'
        f"{html.escape(texts[3])}</span>\n"
        '<span  class="headerLine">content-type</span>: <span  class="headerValue">'
        "application/x-www-form-urlencoded</span>\n</pre></section>"
        f'<dl  class="parameters"><h3>Parameters</h3>{params}</dl>'
        '<section  class="requestContent"><h3>Request Body Schema</h3>'
        f'<pre  class="schema">{schema}</pre></section>'
        '<section  class="responses"><h2>Responses</h2><ul  class="responses">'
        '<li  class="response"><span  class="statusLine">200</span> '
        f'<span  class="statusDescription">{html.escape(texts[1])}</span></li></ul></section>'
        "</article></body></html>"
    )


# an operation id comes from the file name: code that would run in the working folder
HOSTILE_FILE = 'Get""" + __import__(\'os\').system(\'touch PWNED\') + """ {{ x }} <!--.html'


def _named_page() -> str:
    """A plain GET page (its file name is the hostile part)."""
    return (
        "<!DOCTYPE html><html><head><title></title></head><body><article>"
        '<section  class="requestOverview"><h1  class="requestSummary">List</h1>'
        '<p  class="requestDescription"></p></section><section  class="http">'
        '<pre  class="httpExample"><span  class="requestLine">GET</span> '
        '<span  class="httpTarget">\\v1\\others</span></pre></section>'
        '<dl  class="parameters"><h3>Parameters</h3></dl></article></body></html>'
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(package project folder, marker path) for the hostile page, generated once."""
    root = tmp_path_factory.mktemp("hostile")
    marker = root / MARKER_NAME
    pages = root / "hostile"
    pages.mkdir()
    (pages / "PostThings.html").write_text(hostile_page(marker), encoding="utf-8")
    (pages / HOSTILE_FILE).write_text(_named_page(), encoding="utf-8")
    code = main(["generate", str(pages), "-o", str(root / "out"), "--no-cache", "-q"])
    assert code == 0
    return root / "out" / "hostile_client", marker


def test_the_page_carries_the_payloads(generated: tuple[Path, Path]) -> None:
    """The scraped operation really holds the hostile text (else the test proves nothing)."""
    project, marker = generated
    page = (project / "pages" / "PostThings.html").read_text(encoding="utf-8")
    schema_text = html.unescape(page)
    assert f"__import__('os').system('touch {marker}')" in schema_text
    assert "{{ config }}" in schema_text and "</script><script>" in schema_text
    docs = (project / "docs" / "index.md").read_text(encoding="utf-8")
    assert "__import__('os').system('touch PWNED')" in docs  # the operation id, as text


def test_compiles_and_imports_without_running_anything(generated: tuple[Path, Path]) -> None:
    project, marker = generated
    package = project / "hostile_client"
    modules = sorted(
        ".".join(p.relative_to(project).with_suffix("").parts).removesuffix(".__init__")
        for p in package.rglob("*.py")
    )
    for path in package.rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    script = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    env = {**os.environ, "PYTHONPATH": str(project), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script, *modules],
        cwd=marker.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(modules) >= 6
    assert not marker.exists(), "generated code ran a payload at import"


def test_validator_and_types_keep_the_wire_names(generated: tuple[Path, Path]) -> None:
    """Hostile names reach the code only as string literals: the module holds them as data."""
    project, marker = generated
    env = {**os.environ, "PYTHONPATH": str(project)}
    script = (
        "import json\nfrom hostile_client import _validators as v\n"
        "names = [n for n in dir(v) if not n.startswith('_') and callable(getattr(v, n))]\n"
        "print(json.dumps(names))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout)
    types = (project / "hostile_client" / "_types.py").read_text(encoding="utf-8")
    assert repr(f"__import__('os').system('touch {marker}')").strip("'") in types
    assert not marker.exists()


def test_project_is_checked(generated: tuple[Path, Path], static_checks: StaticChecks) -> None:
    """mypy --strict at the end of the session (no ruff: its header names a long temporary
    folder as the source)."""
    static_checks.add(generated[0], "hostile_client", ruff=False)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_shows_the_text_as_text(generated: tuple[Path, Path]) -> None:
    project, _ = generated
    pages = sorted(project.rglob("*.html"))
    assert pages
    seen_payload = False
    for page in pages:
        parser = _Elements()
        parser.feed(page.read_text(encoding="utf-8"))
        assert "script" not in parser.tags, page
        assert len(parser.comments) <= 1, (page, parser.comments)  # the generated-by line only
        seen_payload |= any("</script><script>" in t for t in parser.text)
    assert seen_payload
