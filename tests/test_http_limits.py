"""The HTTP limits in front of the app (api/http_limits.py), on a real `policy-graph serve`."""
from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from conftest import Server
from fixtures.hostile import TOKEN, copy_graph

# aiohttp's ClientSession keeps an idle connection this long (TCPConnector keepalive_timeout).
AIOHTTP_KEEPALIVE_SECONDS = 15.0


@pytest.fixture(scope="module")
def strict(corpus_db, tmp_path_factory) -> Server:
    """A server with short timeouts and a small per-client cap, so each limit shows in seconds."""
    srv = Server(copy_graph(corpus_db, tmp_path_factory.mktemp("strict")), {"POLICY_GRAPH_HTTP_HEAD_TIMEOUT": "1.5", "POLICY_GRAPH_HTTP_BODY_TIMEOUT": "1.5",
                             "POLICY_GRAPH_HTTP_KEEP_ALIVE_TIMEOUT": "1",
                             "POLICY_GRAPH_HTTP_MAX_CONNECTIONS_PER_CLIENT": "20", "POLICY_GRAPH_TOKEN": TOKEN})
    yield srv
    srv.stop()


def connect(srv: Server, source: str = "127.0.0.1") -> socket.socket:
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", srv.port))
    return s


def read_answer(s: socket.socket) -> bytes:
    """What the server sent before it closed the connection (b"" if it closed without a word)."""
    out = b""
    try:
        while chunk := s.recv(65536):
            out += chunk
    except (ConnectionResetError, BrokenPipeError):
        pass
    return out


def read_one_answer(s: socket.socket) -> bytes:
    """One answer (head and its Content-Length of body) from a kept-alive connection; what came
    before the server closed it if it did."""
    out = b""
    while b"\r\n\r\n" not in out:
        chunk = s.recv(65536)
        if not chunk:
            return out
        out += chunk
    head, _, body = out.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length and (chunk := s.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def health_ok(srv: Server) -> bool:
    return httpx.get(srv.base_url + "/api/health", timeout=5).status_code == 200


def test_a_100_mb_header_is_answered_431_before_it_is_read_and_others_keep_answers(server):
    got: dict = {}

    def attack() -> None:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
            sent = 0
            try:
                s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ")
                for _ in range(100):
                    s.sendall(b"a" * 2**20)
                    sent += 2**20
            except OSError:
                pass
            got["sent"] = sent
            got["answer"] = read_answer(s)
    t = threading.Thread(target=attack)
    t.start()
    while t.is_alive():  # every health request during the attack is answered (speed lives in bench.attacks)
        assert health_ok(server)
    t.join()
    assert got["answer"].startswith(b"HTTP/1.1 431 "), got["answer"][:100]
    assert b"headers larger than" in got["answer"]
    assert got["sent"] < 100 * 2**20, "the server read the whole 100 MB header"
    assert health_ok(server)


def test_an_overlong_request_line_is_answered_414(server):
    with connect(server) as s:
        s.sendall(b"GET /api/search?q=" + b"x" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_answer(s).startswith(b"HTTP/1.1 414 ")


def test_a_head_that_never_ends_is_answered_408_and_closed(strict):
    with connect(strict) as s:
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        answer = read_answer(s)  # the server's head timer answers, not the socket's own timeout
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:80]


def test_a_connection_that_sends_nothing_is_closed(strict):
    with connect(strict) as s:
        assert read_answer(s) == b""  # closed by the server, within the socket's 10 s timeout


def test_a_body_that_never_ends_is_answered_408(strict):
    with connect(strict) as s:
        s.sendall(b"POST /api/documents HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                  b"boundary=b\r\nAuthorization: Bearer " + TOKEN.encode() +
                  b"\r\nContent-Length: 100000\r\n\r\n--b\r\n")
        answer = read_answer(s)
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:80]


def test_an_idle_kept_alive_connection_is_closed(strict):
    with connect(strict) as s:
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = read_answer(s)  # the answer, then the close after the keep-alive timeout
        assert answer.startswith(b"HTTP/1.1 200 OK")


def test_a_connection_kept_as_long_as_common_clients_keep_one_still_answers(server):
    """A client reuses an idle connection until its own expiry (httpx 5 s, aiohttp 15 s); a server
    closing it at that moment fails the request sent on it (3 of 240 reuses at 4.99 s, when the
    server's timeout was also 5 s: the load test's ReadError). So the default outlasts them."""
    idle = max(httpx.Limits().keepalive_expiry or 0, AIOHTTP_KEEPALIVE_SECONDS) + 1
    with connect(server) as s:
        request = b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"
        s.sendall(request)
        first = read_one_answer(s)
        assert first.startswith(b"HTTP/1.1 200 OK"), first[:80]
        time.sleep(idle)
        s.sendall(request)
        again = read_one_answer(s)
        assert again.startswith(b"HTTP/1.1 200 OK"), again[:80]


def test_one_client_over_its_connection_cap_gets_503_and_others_are_still_served(strict):
    held = [connect(strict, "127.0.0.2") for _ in range(20)]
    try:
        for s in held:
            s.sendall(b"GET /api/health HTTP/1.1\r\n")  # half a head each
        with connect(strict, "127.0.0.2") as extra:
            assert read_answer(extra).startswith(b"HTTP/1.1 503 ")
        assert health_ok(strict)  # another address is not held back by the first one's cap
    finally:
        for s in held:
            s.close()
