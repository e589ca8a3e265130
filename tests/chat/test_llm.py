"""Optional LLM phrasing: HTTP client on a local server, retries, guard, fallback."""

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pyme_ai.chat.llm import (
    SYSTEM_PROMPT,
    LLMClient,
    LLMError,
    build_messages,
    guard,
    phrase_answer,
)

pytest.importorskip("requests")

ANSWER_ES = "Abrimos de lunes a sábado de 10:00 a 20:00. Los domingos cerramos."
ANSWER_PRICE = "El envío cuesta 4,95 € y es gratis a partir de 50 €."


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
        )
        action = self.server.script.pop(0) if self.server.script else ("status", 500)
        if action[0] == "sleep":
            time.sleep(action[1])
            action = ("ok", "too late")
        if action[0] == "status":
            self.send_response(action[1])
            self.end_headers()
            self.wfile.write(b'{"error": "boom"}')
            return
        payload = {
            "choices": [{"message": {"role": "assistant", "content": action[1]}}]
        }
        if action[0] == "raw":
            payload = action[1]
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.script, httpd.requests = [], []
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _client(server, **kw):
    kw.setdefault("backoff", 0.0)
    return LLMClient(server.url, "test-model", api_key="sk-test", **kw)


def test_success_rephrases_and_sends_the_expected_request(server):
    reply = "De lunes a sábado abrimos de 10:00 a 20:00; el domingo está cerrado."
    server.script = [("ok", reply)]
    out = phrase_answer(
        "¿abrís el domingo?", ANSWER_ES, client=_client(server), lang="es"
    )
    assert out == {"text": reply, "source": "llm", "reason": None}
    (req,) = server.requests
    assert req["path"] == "/v1/chat/completions"
    assert req["auth"] == "Bearer sk-test"
    assert req["body"]["model"] == "test-model"
    system, user = req["body"]["messages"]
    assert system["role"] == "system" and "Spanish" in system["content"]
    assert "Never add prices" in system["content"]
    assert "¿abrís el domingo?" in user["content"] and ANSWER_ES in user["content"]


def test_server_error_then_success_is_retried(server):
    server.script = [("status", 500), ("status", 503), ("ok", "Cerramos los domingos.")]
    client = _client(server, max_retries=2)
    assert client.chat(build_messages("q", "a")) == "Cerramos los domingos."
    assert len(server.requests) == 3


def test_retries_are_bounded(server):
    server.script = [("status", 500)] * 5
    with pytest.raises(LLMError, match="after 2 attempts: HTTP 500"):
        _client(server, max_retries=1).chat(build_messages("q", "a"))
    assert len(server.requests) == 2
    server.requests.clear()
    server.script = [("status", 500)] * 5
    out = phrase_answer("q", ANSWER_ES, client=_client(server, max_retries=1))
    assert out["source"] == "local" and out["text"] == ANSWER_ES
    assert "HTTP 500" in out["reason"]


def test_client_error_is_not_retried(server):
    server.script = [("status", 401), ("ok", "never reached")]
    with pytest.raises(LLMError, match="HTTP 401"):
        _client(server, max_retries=3).chat(build_messages("q", "a"))
    assert len(server.requests) == 1


def test_timeout_falls_back_to_local_answer(server):
    server.script = [("sleep", 1.0), ("sleep", 1.0)]
    client = _client(server, timeout=0.2, max_retries=1)
    started = time.monotonic()
    out = phrase_answer("¿horario?", ANSWER_ES, client=client)
    assert time.monotonic() - started < 0.9  # two attempts of 0.2 s, no waiting for 2 s
    assert out["source"] == "local" and out["text"] == ANSWER_ES
    assert "timed out" in out["reason"]


def test_invented_price_falls_back_to_local_answer(server):
    server.script = [("ok", "El envío cuesta solo 3,95 € y es gratis desde 50 €.")]
    out = phrase_answer(
        "¿cuánto cuesta el envío?", ANSWER_PRICE, client=_client(server)
    )
    assert out["source"] == "local" and out["text"] == ANSWER_PRICE
    assert "3.95" in out["reason"]


def test_unexpected_payload_falls_back(server):
    server.script = [("raw", {"result": "no choices here"})]
    out = phrase_answer("q", ANSWER_ES, client=_client(server))
    assert out["source"] == "local"
    assert "unexpected response" in out["reason"]


def test_connection_refused_is_retried_then_local():
    client = LLMClient("http://127.0.0.1:9", "m", timeout=0.5, max_retries=1, backoff=0)
    out = phrase_answer("q", ANSWER_ES, client=client)
    assert out["source"] == "local" and "connection failed" in out["reason"]


def test_disabled_backend_returns_local_answer():
    out = phrase_answer("q", ANSWER_ES)
    assert out == {
        "text": ANSWER_ES,
        "source": "local",
        "reason": "generative backend disabled",
    }


@pytest.mark.parametrize(
    ("generated", "ok"),
    [
        ("Te lo enviamos por 4,95 €, y gratis a partir de 50 €.", True),
        ("Te lo enviamos por 4.95 €; gratis desde 50.", True),
        ("Abrimos a las 10 y cerramos a las 20.", False),  # not the price answer
        ("El envío cuesta 4,95 €, gratis desde 40 €.", False),
        ("El envío cuesta 4,95 € (unos 5 dólares).", False),
        ("Shipping is 4.95 EUR, free over 50 €.", False),  # new currency word
        ("Shipping costs 4,95 €, free from fifty euros on, in two days.", False),
        ("", False),
    ],
)
def test_guard_on_price_answer(generated, ok):
    assert (guard(generated, ANSWER_PRICE) is None) is ok


def test_guard_allows_times_split_differently():
    assert (
        guard("Abrimos de lunes a sábado, 10 a 20 h; domingo cerrado.", ANSWER_ES)
        is None
    )
    assert guard("Abrimos a las 9:30.", ANSWER_ES) is not None


def test_client_validates_its_settings():
    with pytest.raises(ValueError):
        LLMClient("", "m")
    with pytest.raises(ValueError):
        LLMClient("http://x", "m", max_retries=50)
    assert "{language}" in SYSTEM_PROMPT


def test_engine_imports_without_requests():
    code = (
        "import sys; sys.modules['requests'] = None\n"
        "import pyme_ai.chat, pyme_ai.chat.llm as llm\n"
        "c = llm.LLMClient('http://127.0.0.1:9', 'm')\n"
        "out = llm.phrase_answer('q', 'a', client=c)\n"
        "assert out['source'] == 'local' and 'requests' in out['reason'], out\n"
    )
    root = str(Path(__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]),
    }
    subprocess.run([sys.executable, "-W", "error", "-c", code], check=True, env=env)
