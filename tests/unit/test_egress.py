"""Which webhook destinations are refused: a table of addresses, names and URLs, with a resolver that
answers from a dictionary (nothing here touches the network)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

import pytest

from app.services.egress import (
    BlockedAddress,
    EgressPolicy,
    InsecureScheme,
    Unresolvable,
    blocked_because,
    check_target,
)

DNS = {
    "hooks.chengxin.test": ["93.184.215.14"],
    "v6.chengxin.test": ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "internal.chengxin.test": ["10.1.2.3"],
    "mixed.chengxin.test": ["93.184.215.14", "192.168.1.1"],  # one bad answer is enough to refuse
    "metadata.chengxin.test": ["169.254.169.254"],
    "intranet.gov.test": ["10.8.0.5"],
}


async def fake_resolve(host: str, port: int) -> Sequence[str]:
    del port
    if host not in DNS:
        raise OSError("Name or service not known")
    return DNS[host]


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("10.0.0.1", True),
        ("172.16.0.1", True),
        ("172.31.255.255", True),
        ("192.168.0.1", True),
        ("100.64.0.1", True),  # CGNAT
        ("100.100.100.200", True),  # Alibaba Cloud metadata
        ("169.254.169.254", True),  # AWS / GCP / Azure metadata
        ("192.0.0.192", True),  # Oracle Cloud metadata
        ("0.0.0.0", True),
        ("224.0.0.1", True),  # multicast
        ("239.255.255.250", True),
        ("255.255.255.255", True),
        ("198.18.0.1", True),
        ("::1", True),
        ("::", True),
        ("fd00:ec2::254", True),  # AWS metadata over IPv6
        ("fc00::1", True),
        ("fe80::1", True),
        ("ff02::1", True),
        ("::ffff:127.0.0.1", True),  # IPv4-mapped
        ("::ffff:10.0.0.1", True),
        ("64:ff9b::a9fe:a9fe", True),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", True),  # 6to4 of 127.0.0.1
        ("2001:db8::1", True),
        ("93.184.215.14", False),
        ("8.8.8.8", False),
        ("172.32.0.1", False),  # just outside 172.16/12
        ("100.128.0.1", False),  # just outside 100.64/10
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", False),
        ("::ffff:8.8.8.8", False),
    ],
)
def test_blocked_addresses(address: str, blocked: bool) -> None:
    assert (blocked_because(ipaddress.ip_address(address)) is not None) is blocked


PRODUCTION = EgressPolicy()
DEVELOPMENT = EgressPolicy(allow_http=True)


@pytest.mark.parametrize(
    ("url", "policy", "error"),
    [
        ("https://127.0.0.1/hook", PRODUCTION, BlockedAddress),
        ("https://10.0.0.1/hook", PRODUCTION, BlockedAddress),
        ("https://169.254.169.254/latest/meta-data/", PRODUCTION, BlockedAddress),
        ("https://[::1]:8443/hook", PRODUCTION, BlockedAddress),
        ("https://[fd00:ec2::254]/", PRODUCTION, BlockedAddress),
        ("https://localhost/hook", PRODUCTION, BlockedAddress),
        ("https://LOCALHOST./hook", PRODUCTION, BlockedAddress),
        ("https://api.localhost/hook", PRODUCTION, BlockedAddress),
        ("https://internal.chengxin.test/hook", PRODUCTION, BlockedAddress),
        ("https://mixed.chengxin.test/hook", PRODUCTION, BlockedAddress),
        ("https://metadata.chengxin.test/hook", PRODUCTION, BlockedAddress),
        ("http://hooks.chengxin.test/hook", PRODUCTION, InsecureScheme),  # https only outside development
        ("ftp://hooks.chengxin.test/hook", DEVELOPMENT, InsecureScheme),
        ("https:///hook", PRODUCTION, InsecureScheme),
        ("https://nowhere.chengxin.test/hook", PRODUCTION, Unresolvable),
        ("http://127.0.0.1:9/hook", DEVELOPMENT, BlockedAddress),  # development allows http, not loopback
        ("https://hooks.chengxin.test/hook", PRODUCTION, None),
        ("https://v6.chengxin.test/hook", PRODUCTION, None),
        ("http://hooks.chengxin.test/hook", DEVELOPMENT, None),
        ("https://93.184.215.14/hook", PRODUCTION, None),
    ],
)
async def test_check_target(url: str, policy: EgressPolicy, error: type[Exception] | None) -> None:
    if error is None:
        target = await check_target(url, policy, fake_resolve)
        assert blocked_because(target.ip) is None
    else:
        with pytest.raises(error):
            await check_target(url, policy, fake_resolve)


async def test_target_is_pinned_to_the_checked_address() -> None:
    target = await check_target("https://hooks.chengxin.test:8443/a?b=1", PRODUCTION, fake_resolve)
    assert str(target.pinned_url) == "https://93.184.215.14:8443/a?b=1"
    assert target.host_header == "hooks.chengxin.test:8443"
    assert target.extensions == {"sni_hostname": "hooks.chengxin.test"}  # TLS still checks the name
    v6 = await check_target("https://v6.chengxin.test/x", PRODUCTION, fake_resolve)
    assert str(v6.pinned_url) == "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/x"


@pytest.mark.parametrize(
    ("entries", "url", "allowed"),
    [
        (["intranet.gov.test"], "https://intranet.gov.test/h", True),
        (["INTRANET.gov.test"], "https://intranet.gov.test/h", True),
        (["10.8.0.0/16"], "https://intranet.gov.test/h", True),
        (["10.8.0.5"], "https://intranet.gov.test/h", True),
        (["10.9.0.0/16"], "https://intranet.gov.test/h", False),
        (["other.gov.test"], "https://intranet.gov.test/h", False),
        (["127.0.0.1/32"], "https://127.0.0.1:8080/h", True),
        (["127.0.0.1/32"], "https://127.0.0.2:8080/h", False),
        (["::1"], "https://[::1]/h", True),
        (["127.0.0.1/32"], "https://localhost/h", False),  # the name is refused before resolving
    ],
)
async def test_operator_allow_list(entries: list[str], url: str, allowed: bool) -> None:
    policy = EgressPolicy.parse(entries)
    if allowed:
        await check_target(url, policy, fake_resolve)
    else:
        with pytest.raises(BlockedAddress):
            await check_target(url, policy, fake_resolve)


async def test_a_resolver_that_hangs_is_unresolvable() -> None:
    import asyncio

    async def hang(host: str, port: int) -> Sequence[str]:
        await asyncio.sleep(60)
        return []

    with pytest.raises(Unresolvable):
        await check_target("https://slow.chengxin.test/", PRODUCTION, hang, resolve_timeout_s=0.05)
