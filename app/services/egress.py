"""Where outgoing webhooks may go (server-side request forgery).

A subscription's URL is checked when it is made and again before every attempt: the scheme must be
``https`` (``http`` only when ``Settings.webhook_allow_http``, for development), the host is resolved and
every address it resolves to must be public — not loopback, private, carrier-grade NAT, link-local (cloud
metadata at 169.254.169.254), unique-local (fd00:ec2::254), multicast, unspecified or reserved
(``BLOCKED_NETWORKS``, plus anything ``ipaddress`` does not call global). The request then goes to the
address that was checked (``Target.pinned_url``, with the original ``Host`` and TLS server name), so a DNS
answer that changes between check and connect cannot redirect it. An operator lets legitimate internal
receivers through with ``Settings.webhook_allow`` (host names and CIDR networks).

EgressError                 ``reason``: one line, safe to show the subscriber
 ├── InsecureScheme         not https (or http without the development setting), or no host
 ├── Unresolvable           the host has no address (may be transient: the send is retried)
 └── BlockedAddress         the host resolves to an address that is not public and not allowed
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

BLOCKED_NETWORKS: dict[str, str] = {
    "0.0.0.0/8": "this network / unspecified",
    "10.0.0.0/8": "private",
    "100.64.0.0/10": "carrier-grade NAT (Alibaba Cloud metadata 100.100.100.200)",
    "127.0.0.0/8": "loopback",
    "169.254.0.0/16": "link-local (cloud metadata 169.254.169.254)",
    "172.16.0.0/12": "private",
    "192.0.0.0/24": "IETF protocol assignments (Oracle Cloud metadata 192.0.0.192)",
    "192.0.2.0/24": "documentation",
    "192.168.0.0/16": "private",
    "198.18.0.0/15": "benchmarking",
    "198.51.100.0/24": "documentation",
    "203.0.113.0/24": "documentation",
    "224.0.0.0/4": "multicast",
    "240.0.0.0/4": "reserved and broadcast",
    "::/128": "unspecified",
    "::1/128": "loopback",
    "100::/64": "discard",
    "2001:db8::/32": "documentation",
    "fc00::/7": "unique local (AWS metadata fd00:ec2::254)",
    "fe80::/10": "link-local",
    "ff00::/8": "multicast",
}
_BLOCKED = [(ipaddress.ip_network(net), why) for net, why in BLOCKED_NETWORKS.items()]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
RESOLVE_TIMEOUT_S = 5.0
BLOCKED_NAMES = ("localhost", "localhost.localdomain")  # and every name under .localhost (RFC 6761)


class EgressError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InsecureScheme(EgressError):
    pass


class Unresolvable(EgressError):
    pass


class BlockedAddress(EgressError):
    pass


@dataclass(frozen=True, slots=True)
class EgressPolicy:
    allow_http: bool = False
    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> EgressPolicy:
        return cls.parse(settings.webhook_allow, allow_http=settings.webhook_allow_http)

    @classmethod
    def parse(cls, entries: Iterable[str], *, allow_http: bool = False) -> EgressPolicy:
        """``entries``: host names (``hooks.intranet.gov.cn``) and networks (``10.8.0.0/16``, ``10.8.0.5``)."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (e.strip() for e in entries):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(allow_http, frozenset(hosts), tuple(networks))


def blocked_because(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public address, or ``None``. IPv4 inside IPv6 (mapped, NAT64, 6to4) is judged as
    the IPv4 address it carries."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return blocked_because(embedded)
    for network, why in _BLOCKED:
        if ip.version == network.version and ip in network:
            return why
    if not ip.is_global:
        return "not a public address"
    return None


@dataclass(frozen=True, slots=True)
class Target:
    """A checked destination: where to connect (``ip``) and what to call it (``host``)."""

    url: httpx.URL
    ip: IPAddress
    extensions: dict[str, Any] = field(default_factory=dict)

    @property
    def pinned_url(self) -> httpx.URL:
        return self.url.copy_with(host=str(self.ip))

    @property
    def host_header(self) -> str:
        return self.url.netloc.decode("ascii").rpartition("@")[2]


async def system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _parse(url: str | httpx.URL, policy: EgressPolicy) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InsecureScheme("not a valid URL") from exc
    if parsed.scheme not in (("https", "http") if policy.allow_http else ("https",)):
        raise InsecureScheme("the URL must use https")
    if not parsed.host:
        raise InsecureScheme("the URL has no host")
    return parsed


async def check_target(
    url: str | httpx.URL,
    policy: EgressPolicy,
    resolve: Resolver = system_resolve,
    resolve_timeout_s: float = RESOLVE_TIMEOUT_S,
) -> Target:
    """The destination of ``url`` if every address its host resolves to may be reached; raises an
    ``EgressError`` otherwise. Nothing is sent."""
    parsed = _parse(url, policy)
    host = parsed.host.lower().rstrip(".")
    named_allowed = host in policy.allowed_hosts
    if not named_allowed and (host in BLOCKED_NAMES or host.endswith(".localhost")):
        raise BlockedAddress("the host is a local name")
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
            answers = await asyncio.wait_for(resolve(host, port), resolve_timeout_s)
        except (OSError, UnicodeError, TimeoutError) as exc:
            raise Unresolvable("the host cannot be resolved") from exc
        addresses = []
        for answer in answers:
            try:
                addresses.append(ipaddress.ip_address(answer.partition("%")[0]))
            except ValueError:
                continue
        if not addresses:
            raise Unresolvable("the host cannot be resolved")
    if not named_allowed:
        for ip in addresses:
            if any(ip in network for network in policy.allowed_networks if network.version == ip.version):
                continue
            if blocked_because(ip) is not None:
                raise BlockedAddress("the host resolves to an internal address")
    extensions: dict[str, Any] = {"sni_hostname": parsed.host} if parsed.scheme == "https" and literal is None else {}
    return Target(parsed, addresses[0], extensions)
