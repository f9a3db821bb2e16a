"""Denial-of-service limits on new visitor interactions, as Interaction Web Tools has them.

The visitor API is open to the internet: anyone may start chats and ask for callbacks
without signing in, and each one is a row in the store, a line in a queue and an alert
on an agent's screen. IWT guards its web server with a few limits; we adopt them, with
IWT's defaults:

- ``MaxInteractionsAllowedPerIP`` (15): active interactions one address may have;
- ``MaxInteractionsAllowedPerUnitTime`` per ``InteractionsAllowedUnitTime`` (5 per second):
  a burst of new interactions from one address;
- ``MaxActiveInteractionsAllowed``: active web interactions on the whole server;
- per workgroup queue, how many may wait and how many may be active;
- ``TrustedHosts``: addresses (a company gateway, an office behind one NAT address) that the
  two per-address limits do not apply to; by default the server's own machine.

Only new interactions are limited (chat ``start``, ``callback/create``); a visitor already
in a chat keeps polling and writing. A refused request creates nothing: the check runs
before the interaction gets its id. Active means not yet ended: waiting, alerting,
connected, held or snoozed. The counts follow every change of the contact center's
interactions, which are rebuilt from the store at start, so a restart forgets only the
burst windows.
"""

from __future__ import annotations

import ipaddress
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from console.core.errors import CallboardError
from console.core.interactions import Interaction, InteractionState, InteractionType
from console.server.contact_center import ContactCenter, VisitorRequest

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK: tuple[IpNetwork, ...] = (ipaddress.ip_network("127.0.0.1"), ipaddress.ip_network("::1"))

ADDRESS_LIMIT = "visitor.limit.address"
BURST_LIMIT = "visitor.limit.burst"
SERVER_LIMIT = "visitor.limit.server"
QUEUE_LIMIT = "visitor.limit.queue"


@dataclass(frozen=True, slots=True)
class QueueCaps:
    """How many interactions one workgroup queue may hold; 0 means no cap."""

    max_waiting: int = 0
    """Interactions not yet answered: waiting, alerting or snoozed."""
    max_active: int = 0
    """Interactions not yet ended, answered or not."""


@dataclass(frozen=True, slots=True)
class VisitorLimitSettings:
    """The ``[visitor_limits]`` table of the server settings file; 0 turns a limit off."""

    max_per_address: int = 15
    """``MaxInteractionsAllowedPerIP``: active interactions from one address."""
    burst: int = 5
    """``MaxInteractionsAllowedPerUnitTime``: new interactions from one address per ``burst_seconds``."""
    burst_seconds: float = 1.0
    """``InteractionsAllowedUnitTime``, in seconds."""
    max_active: int = 0
    """``MaxActiveInteractionsAllowed``: active web interactions on the server (0: no cap)."""
    trusted_hosts: tuple[IpNetwork, ...] = LOOPBACK
    """``TrustedHosts``: addresses or networks exempt from the two per-address limits. By
    default the server's own machine: a request from loopback without a forwarded address
    is the demo's or a test's simulated visitors, or a local proxy that does not say who
    it speaks for (set ``trusted_proxies`` for it)."""
    queues: dict[str, QueueCaps] = field(default_factory=dict)
    """Caps per workgroup queue, by workgroup name."""

    def trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_hosts)


def _count(raw: dict[str, Any], key: str, default: int, where: str) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{where}{key} must be a whole number, 0 or more (0 turns the limit off)")
    return value


def visitor_limit_settings(raw: Any) -> VisitorLimitSettings:
    """The settings from their TOML table; a ``ValueError`` says which value is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("[visitor_limits] must be a table")
    known = {"max_interactions_per_ip", "max_interactions_per_unit_time", "unit_time_seconds",
             "max_active_interactions", "trusted_hosts", "queues"}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"unknown setting(s) in [visitor_limits]: {', '.join(sorted(unknown))}")
    defaults = VisitorLimitSettings()
    seconds = raw.get("unit_time_seconds", defaults.burst_seconds)
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= 3600:
        raise ValueError("visitor_limits.unit_time_seconds must be a number of seconds above 0 and at most 3600")
    hosts = raw.get("trusted_hosts", [str(n.network_address) for n in LOOPBACK])
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise ValueError("visitor_limits.trusted_hosts must be a list of addresses or networks")
    networks = []
    for host in hosts:
        try:
            networks.append(ipaddress.ip_network(host.strip(), strict=False))
        except ValueError:
            raise ValueError(f"visitor_limits.trusted_hosts: {host!r} is not an IP address or network") from None
    queues_raw = raw.get("queues", {})
    if not isinstance(queues_raw, dict):
        raise ValueError("[visitor_limits.queues] must be a table of workgroup names")
    queues = {}
    for name, caps in queues_raw.items():
        where = f"visitor_limits.queues.{name}."
        if not isinstance(caps, dict):
            raise ValueError(f"[visitor_limits.queues.{name}] must be a table (max_waiting, max_active)")
        bad = set(caps) - {"max_waiting", "max_active"}
        if bad:
            raise ValueError(f"unknown setting(s) in [visitor_limits.queues.{name}]: {', '.join(sorted(bad))}")
        queues[name] = QueueCaps(_count(caps, "max_waiting", 0, where), _count(caps, "max_active", 0, where))
    return VisitorLimitSettings(
        max_per_address=_count(raw, "max_interactions_per_ip", defaults.max_per_address, "visitor_limits."),
        burst=_count(raw, "max_interactions_per_unit_time", defaults.burst, "visitor_limits."),
        burst_seconds=float(seconds),
        max_active=_count(raw, "max_active_interactions", defaults.max_active, "visitor_limits."),
        trusted_hosts=tuple(networks),
        queues=queues,
    )


@dataclass(slots=True)
class Load:
    """Active interactions counted for one request: on the server, from its address, in its queue."""

    active: int = 0
    from_address: int = 0
    queue_waiting: int = 0
    queue_active: int = 0


UNANSWERED = (InteractionState.WAITING, InteractionState.ALERTING, InteractionState.SNOOZED)


class LoadCounts:
    """Active interactions on the server, per visitor address and per workgroup queue.

    Kept current from every change of an interaction (``observe``), so admitting a new one
    costs the same with 20 or 20,000 in the queues.
    """

    def __init__(self) -> None:
        self._counted: dict[str, tuple[str, str, bool]] = {}
        """Interaction id -> (address, workgroup, unanswered) of each active one, as counted."""
        self.active = 0
        self._from_address: Counter[str] = Counter()
        self._queue_active: Counter[str] = Counter()
        self._queue_waiting: Counter[str] = Counter()

    def observe(self, interaction: Interaction) -> None:
        """The interaction was created, changed or ended: count it as it is now."""
        old = self._counted.pop(interaction.id, None)
        if old is not None:
            self._count(*old, -1)
        if interaction.is_active:
            new = (interaction.visitor_ip, interaction.workgroup, interaction.state in UNANSWERED)
            self._counted[interaction.id] = new
            self._count(*new, 1)

    def _count(self, address: str, workgroup: str, unanswered: bool, step: int) -> None:
        self.active += step
        if address:
            self._from_address[address] += step
        if workgroup:
            self._queue_active[workgroup] += step
            if unanswered:
                self._queue_waiting[workgroup] += step

    def load(self, address: str, workgroup: str) -> Load:
        return Load(
            active=self.active,
            from_address=self._from_address[address] if address else 0,
            queue_waiting=self._queue_waiting[workgroup] if workgroup else 0,
            queue_active=self._queue_active[workgroup] if workgroup else 0,
        )


def refusal(settings: VisitorLimitSettings, load: Load, recent: int, workgroup: str,
            trusted: bool) -> CallboardError | None:
    """Which limit a new interaction would break, as the error to answer; None when it may go ahead.

    ``recent`` is how many the address started within the burst window. The server and
    queue caps come first: they answer "try elsewhere" (clients fail over), which is the
    truthful answer even for a visitor who is also over a per-address limit.
    """
    if settings.max_active and load.active >= settings.max_active:
        return CallboardError(SERVER_LIMIT, "The server is taking no more web interactions now; try again later.")
    caps = settings.queues.get(workgroup) if workgroup else None
    if caps is not None:
        if caps.max_waiting and load.queue_waiting >= caps.max_waiting:
            return CallboardError(QUEUE_LIMIT, f"The {workgroup} queue is full; try again later.")
        if caps.max_active and load.queue_active >= caps.max_active:
            return CallboardError(QUEUE_LIMIT, f"The {workgroup} queue is full; try again later.")
    if trusted:
        return None
    if settings.max_per_address and load.from_address >= settings.max_per_address:
        return CallboardError(ADDRESS_LIMIT, "Too many interactions from your address; finish one first.")
    if settings.burst and recent >= settings.burst:
        return CallboardError(BURST_LIMIT, "Too many new interactions from your address at once; wait a moment.")
    return None


class VisitorLimits:
    """Admits or refuses each new visitor interaction; plugged into the contact center."""

    def __init__(self, center: ContactCenter, settings: VisitorLimitSettings) -> None:
        self.center = center
        self.settings = settings
        self._recent: dict[str, deque[float]] = {}
        """Per address, when its latest interactions were admitted (within the burst window)."""
        self.counts = LoadCounts()
        center.admission = self.admit
        center.interaction_observers.append(self.counts.observe)

    def _window(self, address: str, now: float) -> deque[float]:
        times = self._recent.get(address)
        if times is None:
            return deque()
        cutoff = now - self.settings.burst_seconds
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    def admit(self, request: VisitorRequest, kind: InteractionType, now: float | None = None) -> None:
        """Raises the limit's error, or counts the interaction as started from its address."""
        now = time.time() if now is None else now
        address = request.address
        workgroup = "" if request.target_type.lower() == "user" else request.target
        trusted = not address or self.settings.trusted(address)
        load = self.counts.load(address, workgroup)
        recent = self._window(address, now)
        error = refusal(self.settings, load, len(recent), workgroup, trusted)
        if error is not None:
            raise error
        if not trusted and self.settings.burst:
            recent.append(now)
            self._recent[address] = recent

    def forget_quiet(self, now: float | None = None) -> None:
        """Drop addresses that started nothing within the burst window (housekeeping)."""
        now = time.time() if now is None else now
        for address in list(self._recent):
            if not self._window(address, now):
                del self._recent[address]

    def unknown_queues(self) -> list[str]:
        """Queue caps naming no workgroup: most likely a typo in the settings file."""
        return sorted(set(self.settings.queues) - set(self.center.workgroups))
