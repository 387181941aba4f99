"""A tiny OpenAI-compatible inference server on loopback, for the unit tests of the HTTP model backend."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeInferenceServer:
    """Streams `words` as server-sent events; `mode` makes it misbehave: "die" (cut off mid-answer),
    "error" (an error event mid-answer), "silent" (accept, then never answer).
    It records each request (path, body) in `requests`."""

    def __init__(self, words=("The", "gripper", "closes."), *, key="", models=("tiny",), tokenize=True):
        self.words, self.key, self.models, self.tokenize = list(words), key, list(models), tokenize
        self.mode = "ok"
        self.requests: list[tuple[str, dict]] = []
        self.release = threading.Event()  # ends a "silent" wait, so the server shuts down promptly
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


def _handler(fake: FakeInferenceServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            if not self._authorized():
                return
            if self.path == "/v1/models":
                self._json(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in fake.models]})
            elif self.path == "/health":
                self._json(200, {"status": "ok"})
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fake.requests.append((self.path, body))
            if not self._authorized():
                return
            if self.path == "/tokenize" and fake.tokenize:
                self._json(200, {"tokens": list(range(len(body["content"].split())))})
            elif self.path in ("/v1/completions", "/v1/chat/completions"):
                self._stream(chat=self.path.endswith("chat/completions"))
            else:
                self._json(404, {"error": "not found"})

        def _authorized(self) -> bool:
            if fake.key and self.headers.get("Authorization") != f"Bearer {fake.key}":
                self._json(401, {"error": {"message": "invalid api key"}})
                return False
            return True

        def _stream(self, chat: bool) -> None:
            if fake.mode == "silent":
                fake.release.wait(30)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            for n, word in enumerate(fake.words):
                if fake.mode == "error" and n == 1:
                    self.wfile.write(b'data: {"error": {"message": "slot crashed"}}\n\n')
                    return
                if fake.mode == "die" and n == 1:
                    self.close_connection = True
                    return  # the connection closes with no [DONE]: the server went away mid-answer
                choice = {"delta": {"content": word + " "}} if chat else {"text": word + " "}
                self.wfile.write(f"data: {json.dumps({'choices': [choice]})}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.01)
            self.wfile.write(b"data: [DONE]\n\n")
            self.close_connection = True

        def _json(self, status: int, value) -> None:
            data = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")  # no kept-alive connection outlives close()
            self.end_headers()
            self.close_connection = True
            self.wfile.write(data)

    return Handler
