"""HTTP limits in front of the app: uvicorn's httptools protocol with the checks it lacks.

uvicorn (0.55) bounds neither the size of a request head nor the time to send it: a 100 MB
header was buffered whole (httptools joins the pieces of a header value as they arrive), stalling
every other request for 15-56 s, and a connection that sends half a request line is kept until
the client goes away, so 20,000 of them took every file descriptor. Its keep-alive timeout only
starts after a first response, and its ``limit_concurrency`` answers 503 only once a head is
complete, which a slow client never sends. So this protocol subclass adds, per connection:

- a head (request line + headers) larger than ``max_head_bytes`` is answered 431 and closed,
  counted as bytes arrive, before the parser buffers them; a request line longer than
  ``max_request_line`` is answered 414;
- the head must arrive within ``head_timeout`` seconds of the connection (or of the first byte
  of the next request on a kept-alive one), the body within ``body_timeout`` of its head: 408;
- a connection over ``max_connections`` in all, or over ``max_connections_per_client`` from one
  address, is answered 503 at once and closed, before it costs more than its descriptor.

Idle kept-alive connections close after uvicorn's ``timeout_keep_alive`` (passed by the CLI).
Choosing another server was weighed: hypercorn has size and keep-alive limits but no connection
cap, granian would replace the process model the memory work relies on (policy_graph/allocator.py);
these five checks fit in the protocol uvicorn already runs.
"""
from __future__ import annotations

import asyncio
import logging
import resource
from collections import Counter
from dataclasses import dataclass, replace

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger("policy_graph.http")


@dataclass(frozen=True)
class HttpLimits:
    max_head_bytes: int = 64 * 1024
    max_request_line: int = 8 * 1024
    head_timeout: float = 10.0
    body_timeout: float = 60.0
    keep_alive_timeout: float = 30.0
    max_connections: int = 4096
    max_connections_per_client: int = 256


# Descriptors kept for the database, index files, log and the ingest workers' pipes.
RESERVED_FDS = 256


def fit_to_descriptors(limits: HttpLimits) -> HttpLimits:
    """Raise this process's descriptor limit to its hard limit and keep the connection cap below
    it: a connection refused with 503 is better than an accept() that fails for every client."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    room = max(16, soft - RESERVED_FDS)
    return replace(limits, max_connections=min(limits.max_connections, room),
                   max_connections_per_client=min(limits.max_connections_per_client, room))


_REASONS = {408: b"Request Timeout", 414: b"URI Too Long", 431: b"Request Header Fields Too Large",
            503: b"Service Unavailable"}


def _response(status: int, message: str) -> bytes:
    body = ('{"detail": "%s"}' % message).encode()
    return (b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n" % (status, _REASONS[status], len(body))) + body


def guarded_protocol(limits: HttpLimits) -> type[HttpToolsProtocol]:
    """A protocol class for ``uvicorn.run(http=...)`` enforcing ``limits`` (one per server)."""
    per_client: Counter[str] = Counter()

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._host = self.client[0] if self.client else ""
            self._timer: asyncio.TimerHandle | None = None
            self._in_head = True  # reading a request head (or waiting for the first one)
            self._head_bytes = 0
            self._line_done = False
            self._tail = b""
            self._counted = False
            if (len(self.connections) > limits.max_connections
                    or per_client[self._host] >= limits.max_connections_per_client):
                log.warning("connection from %s refused: over the connection limit", self._host)
                self._refuse(503, "too many connections; try again shortly")
                return
            per_client[self._host] += 1
            self._counted = True
            self._arm(limits.head_timeout, self._head_timed_out)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            if self._counted:
                self._counted = False
                per_client[self._host] -= 1
                if per_client[self._host] <= 0:
                    del per_client[self._host]
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self.transport.is_closing():
                return
            if self._in_head and not self._check_head(data):
                return
            super().data_received(data)

        def _check_head(self, data: bytes) -> bool:
            """Count the head's bytes before the parser buffers them; False once refused."""
            if self._timer is None:  # the first byte of a request on a kept-alive connection
                self._arm(limits.head_timeout, self._head_timed_out)
            seen = self._tail + data
            end = seen.find(b"\r\n\r\n")
            head = self._head_bytes + (end + 4 - len(self._tail) if end >= 0 else len(data))
            if not self._line_done:
                line_end = seen.find(b"\r\n")
                line = self._head_bytes + (line_end - len(self._tail) if line_end >= 0 else len(data))
                if line > limits.max_request_line:
                    self._refuse(414, f"request line longer than {limits.max_request_line} bytes")
                    return False
                self._line_done = line_end >= 0
            if head > limits.max_head_bytes:
                log.warning("request head from %s over %d bytes: 431", self._host, limits.max_head_bytes)
                self._refuse(431, f"request headers larger than {limits.max_head_bytes} bytes")
                return False
            self._head_bytes = head
            self._tail = seen[-3:]
            return True

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._arm(limits.body_timeout, self._body_timed_out)
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._disarm()  # the app has the request; its time is the app's (query budget)
            self._in_head, self._head_bytes, self._line_done, self._tail = True, 0, False, b""

        def _arm(self, seconds: float, handler) -> None:
            self._disarm()
            self._timer = self.loop.call_later(seconds, handler)

        def _disarm(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _head_timed_out(self) -> None:
            self._timer = None
            if self._in_head and not self.transport.is_closing():
                if self._head_bytes:
                    self._refuse(408, f"request head not received within {limits.head_timeout:g} s")
                else:
                    self.transport.close()  # never began a request: nothing to answer

        def _body_timed_out(self) -> None:
            self._timer = None
            if self.transport.is_closing():
                return
            started = self.cycle is not None and self.cycle.response_started
            if not started:
                self.transport.write(_response(
                    408, f"request body not received within {limits.body_timeout:g} s"))
            if self.cycle is not None:
                self.cycle.disconnected = True
            self.transport.close()

        def _refuse(self, status: int, message: str) -> None:
            self._disarm()
            self._in_head = False
            self.transport.write(_response(status, message))
            self.transport.close()

    return GuardedHttpToolsProtocol
