"""The ```sh examples of docs/serve.md run as written, on a free port instead of 8080."""
import os
import re
import signal
import socket
import subprocess

from conftest import ROOT, SYSLAB


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_docs_examples_run():
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "docs" / "serve.md").read_text(), flags=re.S)
    assert blocks, "docs/serve.md has no sh example"
    env = {**os.environ, "PATH": os.path.dirname(SYSLAB) + os.pathsep + os.environ["PATH"]}
    env.pop("SYSLAB_JWT_SECRET", None)
    for block in blocks:
        script = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + \
            block.replace("127.0.0.1:8080", f"127.0.0.1:{free_port()}")
        process = subprocess.Popen(["bash", "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True)
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
        assert process.returncode == 0, f"example failed ({process.returncode}):\n{block}\nstdout: {out}\nstderr: {err}"
        assert '"name":"error-burst"' in out
