"""Issue 16: a ``pattern`` Python's ``re`` cannot compile is reported when generating, located,
and the client generated from the page works (the pattern is not checked; the others are)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import SEED_PAGE

PATTERNS = {  # property (as written at the top level of the seed's schema) -> pattern
    "email": r"^\\p{L}+@",  # ECMA-262 property escape: re.error "bad escape \p"
    "phone": r"(?<digits>[0-9]+)",  # ECMA-262 named group: checked as (?P<digits>...)
    "description": r"^[a-z ]*$",  # valid: still checked
}


def with_patterns(text: str) -> str:
    for name, pattern in PATTERNS.items():
        opening = f"&quot;{name}&quot;: {{&#xA;      &quot;maxLength"
        assert text.count(opening) == 1, name
        text = text.replace(opening, f"&quot;{name}&quot;: {{&#xA;      &quot;pattern&quot;: "
                                     f"&quot;{pattern}&quot;,&#xA;      &quot;maxLength")  # fmt: skip
    return text


CALLS = """
import httpx
from shop_client import Client, ValidationError

sent = []
def answer(request):
    sent.append(request.read())
    return httpx.Response(200, json={"id": "cus_1"})

client = Client("sk_test", base_url="http://127.0.0.1:9", http_client=httpx.Client(transport=httpx.MockTransport(answer)))
print(client.customers.update("cus_1", email="é@x", phone="555", description="quiet"))
try:
    client.customers.update("cus_1", description="LOUD")
except ValidationError as error:
    print(error)
print(len(sent))
"""


def test_an_invalid_pattern_is_reported_and_the_client_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    api = tmp_path / "specs" / "shop"
    api.mkdir(parents=True)
    (api / SEED_PAGE.name).write_text(with_patterns(SEED_PAGE.read_text(encoding="utf-8")), encoding="utf-8")
    os.chdir(tmp_path)
    assert main(["generate", "specs", "-o", "out", "--no-cache", "--formatter", "ruff"]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if ": warning: pattern " in line]
    assert "1 warning bad-pattern" in err
    lines = SEED_PAGE.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines, 1) if "&quot;properties&quot;" in line)
    [said] = [w.split(": warning: ")[1] for w in warnings]  # why: generator/model/pattern.py
    assert said.startswith(r"pattern '^\\p{L}+@' is not checked: ")
    assert said.endswith(" [/properties/email/pattern]")
    assert all(w.startswith("specs/shop/PostCustomersCustomer.html:") for w in warnings)
    assert all(int(w.split(":")[1]) >= at for w in warnings)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "out" / "shop_client")}
    done = subprocess.run([sys.executable, "-c", CALLS], capture_output=True, text=True, env=env,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    called, refused, sent = done.stdout.splitlines()
    assert called == "{'id': 'cus_1'}"
    assert refused.startswith("description: does not match the pattern '^[a-z ]*")
    assert sent == "1"
