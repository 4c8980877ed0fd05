"""The Node and Go verification recipes of docs/webhooks.md, run against a real signed delivery,
so the documented code cannot drift from the server's signing scheme."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support import Received, scripted_server

from letmepost import Letmepost

DOC = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"


def snippet(heading: str, language: str) -> str:
    found = re.search(
        rf"### {re.escape(heading)}\n\n```{language}\n(.*?)```", DOC.read_text(), re.S
    )
    assert found, f"docs/webhooks.md has no {heading} snippet"
    return found.group(1)


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is required in CI")
        pytest.skip(f"{tool} is not installed")
    return path


@pytest.fixture(scope="module")
def delivery(server) -> tuple[Received, str]:
    with (
        scripted_server([(200, {}, b"ok")]) as fake,
        Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp,
    ):
        endpoint = lmp.webhooks.create(url=fake.url + "/docs")
        lmp.webhooks.test(endpoint["id"])
        lmp.webhooks.delete(endpoint["id"])
    return fake.received[0], endpoint["signingSecret"]


def write_inputs(folder: Path, request: Received, secret: str) -> None:
    (folder / "body").write_bytes(request.body)
    headers = {k.lower(): v for k, v in request.headers.items()}
    (folder / "headers.json").write_text(json.dumps(headers))
    (folder / "secret").write_text(secret)


NODE_MAIN = """
const fs = require("node:fs");
const body = fs.readFileSync("body");
const headers = JSON.parse(fs.readFileSync("headers.json", "utf8"));
const secret = fs.readFileSync("secret", "utf8");
const v1only = { ...headers };
delete v1only["x-letmepost-signature-v2"];
const results = [verifyLetmepost(body, headers, secret).id, verifyLetmepost(body, v1only, secret).id];
for (const [b, s] of [[Buffer.concat([body, Buffer.from(" ")]), secret], [body, secret + "x"]]) {
  try { verifyLetmepost(b, headers, s); results.push("accepted"); } catch { results.push("refused"); }
}
console.log(JSON.stringify(results));
"""

GO_MAIN = """package main

import (
\t"encoding/json"
\t"fmt"
\t"net/http"
\t"os"
\t"time"

\t"example.com/recipe/letmepost"
)

func main() {
\tbody, _ := os.ReadFile("body")
\traw, _ := os.ReadFile("headers.json")
\tsecret, _ := os.ReadFile("secret")
\tvar m map[string]string
\t_ = json.Unmarshal(raw, &m)
\th := http.Header{}
\tfor k, v := range m {
\t\th.Set(k, v)
\t}
\tok := func(err error) string {
\t\tif err == nil {
\t\t\treturn "ok"
\t\t}
\t\treturn "refused"
\t}
\tv2 := ok(letmepost.VerifyWebhook(body, h, string(secret), 5*time.Minute))
\ttampered := ok(letmepost.VerifyWebhook(append(body, ' '), h, string(secret), 5*time.Minute))
\th.Del("X-Letmepost-Signature-V2")
\tv1 := ok(letmepost.VerifyWebhook(body, h, string(secret), 5*time.Minute))
\tfmt.Printf("[%q,%q,%q]\\n", v2, v1, tampered)
}
"""


def test_node_recipe(delivery, tmp_path) -> None:
    node = need("node")
    request, secret = delivery
    write_inputs(tmp_path, request, secret)
    (tmp_path / "verify.js").write_text(snippet("Node.js", "js") + NODE_MAIN)

    done = subprocess.run(
        [node, "verify.js"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    event_id = json.loads(request.body)["id"]
    assert json.loads(done.stdout) == [event_id, event_id, "refused", "refused"]


def test_go_recipe(delivery, tmp_path) -> None:
    go = need("go")
    request, secret = delivery
    write_inputs(tmp_path, request, secret)
    (tmp_path / "go.mod").write_text("module example.com/recipe\n\ngo 1.19\n")
    (tmp_path / "letmepost").mkdir()
    (tmp_path / "letmepost" / "verify.go").write_text(snippet("Go", "go"))
    (tmp_path / "main.go").write_text(GO_MAIN)
    env = {
        **os.environ,
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
    }

    done = subprocess.run(
        [go, "run", "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["ok", "ok", "refused"]
