"""Which address a visitor has, read through trusted reverse proxies."""

import pytest


class _Peer:
    def __init__(self, host: str) -> None:
        self.host = host


class _Request:
    def __init__(self, peer: str, forwarded: str | None) -> None:
        self.client = _Peer(peer)
        self.headers = {"x-forwarded-for": forwarded} if forwarded else {}


@pytest.mark.parametrize(
    "peer, forwarded, expected",
    [
        ("203.0.113.9", None, "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # untrusted peer: header ignored
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # forged left part ignored
        ("127.0.0.1", "198.51.100.1, 10.0.0.5", "198.51.100.1"),  # through two trusted proxies
        ("127.0.0.1", "not-an-ip", "127.0.0.1"),
    ],
)
def test_visitor_address_is_the_nearest_hop_not_trusted(peer, forwarded, expected):
    from console.server.visitor_api import visitor_address

    trusted = frozenset({"127.0.0.1", "10.0.0.5"})
    assert visitor_address(_Request(peer, forwarded), trusted) == expected
