"""`ragbot.local` on the LAN: the appliance's name, addresses and web service announced over mDNS (zeroconf)."""

import ipaddress
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import ifaddr
from zeroconf import InterfaceChoice, IPVersion, ServiceInfo, Zeroconf

log = logging.getLogger(__name__)


def lan_addresses(host: str) -> list[str]:
    """The IPv4 addresses students can reach the service at: `host` itself, or every non-loopback one for 0.0.0.0."""
    if host not in ("0.0.0.0", "", "::"):
        try:
            address = ipaddress.ip_address(host)
        except ValueError:  # a host name: announce nothing rather than guess its address
            return []
        return [host] if address.version == 4 and not address.is_loopback else []
    found = [ip.ip for adapter in ifaddr.get_adapters() for ip in adapter.ips if ip.is_IPv4]
    return [a for a in found if isinstance(a, str) and not ipaddress.ip_address(a).is_loopback]


@contextmanager
def announced(name: str, port: int, https: bool, host: str, interfaces=InterfaceChoice.All) -> Iterator:
    """While inside, NAME.local resolves to the addresses `host` serves on beyond loopback, and the web service
    is listed (_https._tcp or _http._tcp).

    Yields the registered ServiceInfo, or None when there is nothing to announce (a loopback-only service) or
    the network refused (logged, not fatal: the appliance still answers at its address).
    """
    registered = _register(name, port, https, host, interfaces)
    if registered is None:
        yield None
        return
    zeroconf, info = registered
    try:
        yield info
    finally:
        zeroconf.unregister_service(info)
        zeroconf.close()


def _register(name: str, port: int, https: bool, host: str, interfaces) -> tuple[Zeroconf, ServiceInfo] | None:
    kind = "_https._tcp.local." if https else "_http._tcp.local."
    try:
        addresses = lan_addresses(host)
        if not addresses:
            return None
        info = ServiceInfo(
            kind,
            f"{name}.{kind}",
            addresses=[socket.inet_aton(address) for address in addresses],
            port=port,
            server=f"{name}.local.",
        )
        zeroconf = Zeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)
        zeroconf.register_service(info)
    except Exception as error:  # no netlink, no multicast: students use the address instead
        log.warning("could not announce %s.local on the network: %s", name, error)
        return None
    log.info("announced %s.local (%s) on the network", name, ", ".join(addresses))
    return zeroconf, info
