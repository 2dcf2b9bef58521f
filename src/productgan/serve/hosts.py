"""Which Host and Origin a request may carry, so other web sites cannot use a local server.

Why: a server on 127.0.0.1 is reachable from any web page its user opens. The page can POST a form
to it (cross-site request forgery: the browser sends the request, and its Origin header names the
other site), and with DNS rebinding the page's own name resolves to 127.0.0.1, so the browser even
lets it read the answers (then the Host header names the other site). So the server answers only
to the names it is known by: localhost, 127.0.0.1, [::1], the address it binds, and the names
given with --allow-host ("*": any Host, e.g. behind a proxy that sets its own); and a request a
page sends (it carries Origin) must come from the server's own origin or from an allowed name.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from productgan.serve.errors import ForbiddenOrigin, RequestError

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARD_BINDS = ("0.0.0.0", "::", "")  # binding these says nothing about the name clients use
ANY_HOST = "*"


def host_name(value: str) -> str | None:
    """'Example.COM:8000' -> 'example.com', '[::1]:80' -> '::1'; None when it is not a host[:port]."""
    try:
        parts = urlsplit("//" + value.strip())
        name, _ = parts.hostname, parts.port  # .port raises ValueError on a bad port
    except ValueError:
        return None
    if not name or parts.path or parts.query or parts.fragment or parts.username is not None:
        return None
    return name.rstrip(".")


@dataclass(frozen=True)
class HostPolicy:
    """names: every host name the server answers to; allowed: those given with --allow-host,
    which pages on other origins of those names may also call."""

    names: frozenset[str]
    allowed: frozenset[str]

    @classmethod
    def for_server(cls, allow_hosts: tuple[str, ...] = (), bind_host: str | None = None) -> "HostPolicy":
        allowed = frozenset(host_name(name) or name.strip().lower() for name in allow_hosts)
        names = set(LOCAL_NAMES) | allowed
        if bind_host is not None and bind_host not in WILDCARD_BINDS:
            names.add(host_name(bind_host) or bind_host.strip("[]").lower())
        return cls(frozenset(names), allowed)

    def check(self, host: str, origin: str) -> None:
        """Refuse a Host this server is not known by (400) and an Origin of another site (403).
        Empty strings mean the header was not sent (HTTP/1.0 clients, same-origin GETs)."""
        if host:
            name = host_name(host)
            if name is None or (ANY_HOST not in self.names and name not in self.names):
                raise RequestError(f"this server does not answer to the host name in the Host header ({host[:100]!r}); "
                                   f"start it with --allow-host NAME to accept a name (it answers to "
                                   f"{', '.join(sorted(self.names))})", status=400)
        if origin:
            self._check_origin(origin, host)

    def _check_origin(self, origin: str, host: str) -> None:
        parts = urlsplit(origin) if origin != "null" else None
        same_site = parts is not None and parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()
        name = host_name(parts.netloc) if parts is not None else None
        if not same_site and not (name is not None and (name in self.allowed or ANY_HOST in self.allowed)):
            raise ForbiddenOrigin(f"requests from other web sites are refused (Origin {origin[:100]!r}); "
                                  f"start the server with --allow-host NAME to accept pages from NAME")
