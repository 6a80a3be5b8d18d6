"""The checked-in OpenAPI document is the server's contract.

- drift: the routes `syslab serve` registers (`--print-routes`) are exactly
  the document's paths and methods;
- schemathesis fuzzes a live server against the document, bounded, with an
  admin token: no server error, and every response's status code, content
  type and body conform to the document.
"""
import http.client
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, Server, run_syslab, token

SPEC = ROOT / "openapi" / "syslab-serve.yaml"
METHODS = {"get", "post", "put", "delete", "patch", "head", "options"}
MAX_EXAMPLES = int(os.environ.get("SERVE_FUZZ_EXAMPLES", "100"))


def documented_routes():
    spec = yaml.safe_load(SPEC.read_text())
    assert spec["openapi"].startswith("3.1")
    return sorted(f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item if method in METHODS)


def test_routes_match_the_openapi_document():
    done = run_syslab("serve", "--print-routes")
    assert done.returncode == 0, done.stderr
    served = sorted(done.stdout.split("\n")[:-1])
    documented = documented_routes()
    assert served == documented, (
        f"only served: {sorted(set(served) - set(documented))}; only documented: {sorted(set(documented) - set(served))}")


def test_document_is_valid_openapi():
    from openapi_spec_validator import validate
    validate(yaml.safe_load(SPEC.read_text()))


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_schemathesis_fuzz(tmp_path, store, request):
    server = Server(*(["--redis", request.getfixturevalue("redis_url")] if store == "redis" else []))
    try:
        admin = token("admin", "*")
        command = [
            sys.executable, "-m", "schemathesis.cli", "run", str(SPEC), "--url", server.url,
            "--header", f"Authorization: Bearer {admin}",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--max-examples", str(MAX_EXAMPLES), "--seed", "20261129", "--workers", "2",
            "--suppress-health-check", "all", "--no-color",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path,
                              env={**os.environ, "SCHEMATHESIS_HOOKS": ""})
        print(done.stdout[-4000:])
        assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
        assert server.process.poll() is None, "syslab serve died during the fuzz run"
        # The token let the fuzzer past authentication: it created workspaces.
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
        conn.request("GET", "/api/workspaces", headers={"Authorization": f"Bearer {admin}"})
        workspaces = json.loads(conn.getresponse().read())["workspaces"]
        conn.close()
        print(f"workspaces after the fuzz run: {len(workspaces)}")
        assert len(workspaces) > 1
    finally:
        server.stop()
