"""ragbot.local: the appliance announces its name and web service over mDNS (here on loopback only)."""

from zeroconf import IPVersion, Zeroconf

from appliance.ops import announce
from appliance.settings import load_settings


def test_the_service_is_announced_and_withdrawn_on_loopback(monkeypatch):
    monkeypatch.setattr(announce, "lan_addresses", lambda host: ["127.0.0.1"])  # the LAN, here on loopback
    with announce.announced("ragbot-test", 8443, True, "127.0.0.1", interfaces=["127.0.0.1"]) as info:
        assert info is not None
        listener = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
        try:
            found = listener.get_service_info("_https._tcp.local.", "ragbot-test._https._tcp.local.", timeout=5000)
        finally:
            listener.close()
    assert found is not None
    assert found.server == "ragbot-test.local."
    assert found.port == 8443
    assert found.parsed_addresses() == ["127.0.0.1"]


def test_only_a_service_beyond_loopback_is_announced_and_the_name_can_be_turned_off():
    assert announce.lan_addresses("127.0.0.1") == []
    with announce.announced("ragbot-test", 8000, False, "127.0.0.1") as info:
        assert info is None  # a loopback-only service has nothing to announce
    assert announce.lan_addresses("localhost") == []
    assert announce.lan_addresses("192.168.1.20") == ["192.168.1.20"]
    assert all(not address.startswith("127.") for address in announce.lan_addresses("0.0.0.0"))
    assert load_settings(environ={"RAGBOT_MDNS_NAME": ""}).mdns_name == ""
    assert load_settings(environ={}).mdns_name == "ragbot"


def test_a_network_without_multicast_is_logged_not_fatal(caplog):
    with announce.announced("ragbot-test", 8000, False, "10.9.8.7", interfaces=["192.0.2.1"]) as info:
        assert info is None
    assert "could not announce ragbot-test.local" in caplog.text
