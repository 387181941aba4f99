"""Run inside `unshare -n`: start an installed appliance as its ragbot user, sign in, ask, print the answer as JSON.

Standard library only, so any Python runs it; tests/test_wheelhouse.py drives it.
"""

import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PASSWORD = os.environ["RAGBOT_ADMIN_PASSWORD"]
QUESTION = "What does the derivative term of a PID controller do?"


def call(port: int, path: str, body: dict | None = None, token: str = "", ca: Path | None = None) -> dict:
    """One JSON request over HTTPS, trusting only the CA the install made (as a student's device would)."""
    request = urllib.request.Request(
        f"https://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body else None,
        headers={"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    context = ssl.create_default_context(cafile=str(ca)) if ca else None
    with urllib.request.urlopen(request, timeout=300, context=context) as response:
        return json.loads(response.read())


def main(root: Path, uid: str, gid: str, port: int) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(root / "var/lib/ragbot"),
        "LANG": "C.UTF-8",
        "RAGBOT_CONFIG": str(root / "etc/ragbot/ragbot.toml"),
        "RAGBOT_PORT": str(port),
        "RAGBOT_HTTP_REDIRECT_PORT": "0",  # only the HTTPS port: one free port is all this check asks for
    }
    ca = root / "etc/ragbot/tls/ca.crt"
    service = subprocess.Popen(
        [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={gid}",
            "--clear-groups",
            str(root / "opt/ragbot/venv/bin/ragbot"),
            "serve",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 300
        while True:
            if service.poll() is not None:
                sys.exit(f"the service exited with {service.returncode}")
            try:
                if call(port, "/api/health", ca=ca)["status"] == "ok":
                    break
            except OSError:
                pass
            if time.time() > deadline:
                sys.exit("the service did not come up")
            time.sleep(1)
        login = {"username": "admin", "password": PASSWORD}
        token = call(port, "/api/v1/auth/login", login, ca=ca)["access_token"]
        print(json.dumps(call(port, "/api/v1/chat", {"message": QUESTION}, token, ca=ca)))
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(60)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]))
