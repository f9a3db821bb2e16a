"""Password hashing (console.core.passwords) and the status catalog (console.core.statuses)."""

from __future__ import annotations

import pytest

from console.core.passwords import hash_password, verify_password
from console.core.statuses import (
    AGENT_NOT_ANSWERING,
    AVAILABLE,
    DEFAULT_STATUSES,
    GONE_HOME,
    AgentStatus,
    StatusCatalog,
)


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password("correct horse")


def test_hash_is_scrypt_with_parameters_and_never_the_password(stored):
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert "correct horse" not in stored


def test_verify_accepts_the_password_and_rejects_others(stored):
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horse ", stored)
    assert not verify_password("", stored)


def test_same_password_hashes_differently_each_time(stored):
    again = hash_password("correct horse")
    assert again != stored
    assert verify_password("correct horse", again)


@pytest.mark.parametrize("bad", ["", "plain", "bcrypt$1$2$3$00$00", "scrypt$x$8$1$00$00", "scrypt$16384$8$1$zz$00"])
def test_malformed_stored_hash_verifies_nothing(bad):
    assert verify_password("anything", bad) is False


def test_catalog_looks_up_statuses_and_their_acd_availability():
    catalog = StatusCatalog()
    assert catalog.get(AVAILABLE).acd_available
    assert catalog.is_acd_available("Available, Follow-up")
    assert not catalog.is_acd_available("At Lunch")
    assert catalog.get("No Such Status") is None
    assert not catalog.is_acd_available("No Such Status")


def test_system_statuses_are_not_selectable_and_not_available():
    catalog = StatusCatalog()
    for system in (AGENT_NOT_ANSWERING, GONE_HOME):
        status = catalog.get(system)
        assert not status.selectable and not status.acd_available
    selectable = [s.id for s in DEFAULT_STATUSES if s.selectable]
    assert AGENT_NOT_ANSWERING not in selectable and GONE_HOME not in selectable and AVAILABLE in selectable


@pytest.mark.parametrize("missing", [AVAILABLE, AGENT_NOT_ANSWERING, GONE_HOME])
def test_catalog_refuses_a_list_without_a_required_status(missing):
    statuses = tuple(s for s in DEFAULT_STATUSES if s.id != missing)
    with pytest.raises(ValueError, match=missing):
        StatusCatalog(statuses)


def test_custom_catalog_and_wire_form():
    custom = (
        AgentStatus(AVAILABLE, "Ready", True),
        AgentStatus("Coffee", "Coffee", False),
        AgentStatus(AGENT_NOT_ANSWERING, "No answer", False, selectable=False),
        AgentStatus(GONE_HOME, "Home", False, selectable=False),
    )
    catalog = StatusCatalog(custom)
    assert catalog.statuses == custom
    assert catalog.get("Coffee").to_dict() == {
        "id": "Coffee", "label": "Coffee", "acd_available": False, "selectable": True,
    }
