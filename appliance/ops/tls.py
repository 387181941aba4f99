"""The box's own certificate authority and server certificate, so the classroom network carries only HTTPS.

The only module that imports `cryptography`. `ragbot tls init` (run by the machine install) makes a CA
once and a server certificate for the box's names and addresses, and makes a new server certificate
when the old one has fewer than RENEW_DAYS left or no longer names the box. Students install the CA
certificate (offered at /ca.crt) once per device.
"""

import datetime
import fcntl
import ipaddress
import os
import re
import socket
import ssl
import struct
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from appliance.errors import ConfigError, InvalidInput

CA_DAYS = 3650
SERVER_DAYS = 397  # what browsers accept for a server certificate
RENEW_DAYS = 30
SIOCGIFADDR = 0x8915
LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# Where a classroom box's address can be (RFC 1918, loopback, link-local, IPv6 unique local), besides its own.
PRIVATE_NETWORKS = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
)


@dataclass
class Issued:
    """What `ensure` left on disk, whether it wrote a new server certificate, and the names it could not certify."""

    ca: Path
    cert: Path
    key: Path
    names: list[str]
    renewed: bool
    left_out: list[str] = field(default_factory=list)


def box_names(announced: str = "") -> list[str]:
    """The names and addresses students may type: host name, <host>.local, the name the box announces over
    mDNS (<announced>.local), localhost and each interface's IPv4."""
    host = socket.gethostname().split(".")[0]
    names = [host, f"{host}.local", *([f"{announced}.local"] if announced else []), "localhost", "127.0.0.1", "::1"]
    return list(dict.fromkeys(names + _addresses()))


def _addresses() -> list[str]:
    """Each network interface's IPv4 address (read from the kernel: nothing goes on the network)."""
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, struct.pack("256s", name[:15].encode()))
            except OSError:  # an interface without an IPv4 address
                continue
            found.append(socket.inet_ntoa(packed[20:24]))
    return found


def ensure(
    folder: Path, names: list[str] | None = None, now: datetime.datetime | None = None, *, strict: bool = False
) -> Issued:
    """Make the CA if missing, and a server certificate if missing, due for renewal or naming other names.

    A name the CA may not vouch for is left out (`strict`, for names an admin gave: refused, nothing written):
    one such name in a certificate made every device refuse all of it, e.g. after the box was renamed."""
    for name in names or []:
        _check_name(name)
    names = names or box_names()
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o750)
    now = now or datetime.datetime.now(datetime.UTC)
    ca_cert, ca_key = _ca(folder, names, now)
    left_out = [n for n in names if not _vouches(ca_cert, n)]
    if (left_out and strict) or len(left_out) == len(names):
        raise InvalidInput(
            f"the box's CA ({folder / 'ca.crt'}) may not vouch for {', '.join(left_out)}: devices would refuse the "
            f"certificate. It vouches for {_vouched(ca_cert)}; for another name, serve a certificate of your own "
            "(tls_cert_file, tls_key_file)"
        )
    names = [n for n in names if n not in left_out]
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    renewed = not _current(cert_path, names, now)
    if renewed:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _server_cert(names, key, ca_cert, ca_key, now)
        _write(key_path, _key_bytes(key), 0o640)
        _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return Issued(folder / "ca.crt", cert_path, key_path, names, renewed, left_out)


def _check_name(name: str) -> None:
    """A host name or an address; "a,b" or "my box" went into the certificate, or failed with a traceback."""
    labels = name.removesuffix(".").split(".")
    if _is_address(name) or (len(name) <= 253 and all(LABEL.fullmatch(label) for label in labels)):
        return
    raise InvalidInput(
        f"{name!r} is neither a host name nor an address: give each name with its own --name, "
        "e.g. --name ragbot.local --name 192.168.1.20"
    )


def _constraint(ca_cert) -> list:
    """The CA's permitted names and networks; none when it has no constraints (it may vouch for any)."""
    try:
        return list(ca_cert.extensions.get_extension_for_class(x509.NameConstraints).value.permitted_subtrees or [])
    except x509.ExtensionNotFound:
        return []


def _vouches(ca_cert, name: str) -> bool:
    """Whether the CA's name constraints let it vouch for `name` (a DNS subtree covers the names under it)."""
    subtrees = _constraint(ca_cert)
    if not subtrees:
        return True
    if _is_address(name):
        address = ipaddress.ip_address(name)
        networks = [s.value for s in subtrees if isinstance(s, x509.IPAddress)]
        return any(isinstance(n, ipaddress.IPv4Network | ipaddress.IPv6Network) and address in n for n in networks)
    host = name.lower().removesuffix(".")
    dns = [s.value.lower() for s in subtrees if isinstance(s, x509.DNSName)]
    return any(host == d or host.endswith(f".{d}") for d in dns)


def _vouched(ca_cert) -> str:
    """What the CA may vouch for, in words."""
    dns = [s.value for s in _constraint(ca_cert) if isinstance(s, x509.DNSName)]
    return ", ".join(f"*.{d}" if d == "local" else d for d in dns) + ", its own and private addresses"


def _ca(folder: Path, names: list[str], now: datetime.datetime):
    """The box's CA certificate and key, made on first use (the key never leaves the box: mode 0600)."""
    cert_path, key_path = folder / "ca.crt", folder / "ca.key"
    if cert_path.exists() and key_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), key
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"ragbot on {socket.gethostname()}")])
    cert = (
        _builder(name, name, key.public_key(), now, CA_DAYS)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(_constraints(names), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(key_path, _key_bytes(key), 0o600)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return cert, key


def _constraints(names: list[str]) -> x509.NameConstraints:
    """A device that trusts this CA trusts it only for the box's names, *.local and local addresses.

    So even a stolen CA key cannot impersonate real sites to the students who installed it.
    """
    hosts = [n for n in names if not _is_address(n) and not n.endswith(".local")]
    networks = [*PRIVATE_NETWORKS, *(str(ipaddress.ip_network(n)) for n in names if _is_address(n))]
    return x509.NameConstraints(
        permitted_subtrees=[
            *(x509.DNSName(n) for n in dict.fromkeys([*hosts, "local"])),
            *(x509.IPAddress(ipaddress.ip_network(n)) for n in dict.fromkeys(networks)),
        ],
        excluded_subtrees=None,
    )


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _server_cert(names: list[str], key, ca_cert, ca_key, now: datetime.datetime) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    return (
        _builder(subject, ca_cert.subject, key.public_key(), now, SERVER_DAYS)
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )


def _builder(subject, issuer, public_key, now: datetime.datetime, days: int) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))  # a client clock slightly behind still accepts it
        .not_valid_after(now + datetime.timedelta(days=days))
    )


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _general_name(name: str) -> x509.GeneralName:
    return x509.IPAddress(ipaddress.ip_address(name)) if _is_address(name) else x509.DNSName(name)


def _current(cert_path: Path, names: list[str], now: datetime.datetime) -> bool:
    """True when the certificate exists, has RENEW_DAYS left and names exactly `names`."""
    if not cert_path.exists():
        return False
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    if cert.not_valid_after_utc - now < datetime.timedelta(days=RENEW_DAYS):
        return False
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(v) for v in san.get_values_for_type(x509.DNSName) + san.get_values_for_type(x509.IPAddress)} == set(
        str(_general_name(n).value) for n in names
    )


def expires(cert_path: Path) -> datetime.datetime:
    """When a PEM certificate stops being valid; ConfigError when it cannot be read."""
    try:
        return x509.load_pem_x509_certificate(cert_path.read_bytes()).not_valid_after_utc
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read the certificate {cert_path}: {error}") from None


def check_pair(cert: str, key: str) -> None:
    """ConfigError naming the setting and its file when HTTPS cannot be served with them: uvicorn said only
    "[Errno 2] No such file or directory", "[SSL] PEM lib" or "key values mismatch", and `doctor` saw nothing."""
    for setting, path in (("tls_cert_file", cert), ("tls_key_file", key)):
        try:
            with open(path, "rb"):
                pass
        except OSError as error:
            raise ConfigError(f"{setting} {path} cannot be read: {error.strerror}") from None
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key)
    except ssl.SSLError as error:
        raise ConfigError(
            f"tls_cert_file {cert} with tls_key_file {key} cannot serve HTTPS ({error.reason or error}): each must be "
            "PEM, the key the private key of the certificate"
        ) from None


def _key_bytes(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, body: bytes, mode: int) -> None:
    """Write through a private partial file, then rename, so a reader never sees half a key."""
    partial = path.with_name(f".{path.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(body)
    os.chmod(partial, mode)
    if os.geteuid() == 0:  # the folder's group (the service's, on a machine install) may read what the mode allows
        os.chown(partial, 0, path.parent.stat().st_gid)
    os.replace(partial, path)
