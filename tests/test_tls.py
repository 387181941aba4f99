"""HTTPS out of the box: the generated CA and server certificate, a real server on loopback, the redirect, doctor."""

import datetime
import re
import socket
import ssl
import threading
import time

import httpx
import msgspec
import pytest
import uvicorn
from cryptography import x509

from appliance.errors import ConfigError, InvalidInput
from appliance.ops import doctor, tls
from appliance.web import server
from appliance.web.app import create_app
from tests.conftest import free_port

NAMES = ["box", "box.local", "localhost", "127.0.0.1", "::1"]
LATER = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=tls.SERVER_DAYS - tls.RENEW_DAYS + 1)


@pytest.fixture
def issued(tmp_path):
    return tls.ensure(tmp_path / "tls", NAMES)


def test_second_run_keeps_the_certificate(issued):
    assert tls.ensure(issued.cert.parent, NAMES).renewed is False


def test_certificate_is_renewed_within_the_last_month(issued):
    assert tls.ensure(issued.cert.parent, NAMES, now=LATER).renewed is True


def test_certificate_is_renewed_when_the_box_has_new_names(issued):
    assert tls.ensure(issued.cert.parent, [*NAMES, "10.1.2.3"]).renewed is True


def test_renewal_keeps_the_ca_students_installed(issued):
    before = issued.ca.read_bytes()
    tls.ensure(issued.cert.parent, NAMES, now=LATER)
    assert issued.ca.read_bytes() == before


def _verifies(issued) -> bool:
    """Whether a client that trusts the box's CA accepts its server certificate (name constraints included)."""
    store = x509.verification.Store([x509.load_pem_x509_certificate(issued.ca.read_bytes())])
    verifier = x509.verification.PolicyBuilder().store(store).build_server_verifier(x509.DNSName("localhost"))
    try:
        verifier.verify(x509.load_pem_x509_certificate(issued.cert.read_bytes()), [])
    except x509.verification.VerificationError:
        return False
    return True


def test_a_renamed_box_keeps_a_certificate_devices_accept(issued):
    """`hostnamectl set-hostname` then a restart (as OPERATIONS.md says): the new host name is outside the CA's
    constraints, and one such name in the certificate made every device refuse the whole certificate."""
    assert _verifies(issued)
    renamed = tls.ensure(issued.cert.parent, ["lab7", "lab7.local", "localhost", "127.0.0.1", "::1"])
    assert (renamed.renewed, renamed.names, renamed.left_out) == (
        True,
        ["lab7.local", "localhost", "127.0.0.1", "::1"],
        ["lab7"],
    )
    assert _verifies(renamed)
    assert tls.ensure(issued.cert.parent, ["lab7", "lab7.local", "localhost", "127.0.0.1", "::1"]).renewed is False


@pytest.mark.parametrize(
    ("names", "said"),
    [
        (["ragbot.school.lan"], "may not vouch for ragbot.school.lan"),
        (["box", "8.8.8.8"], "may not vouch for 8.8.8.8"),
        (["box.local,10.0.0.5"], "'box.local,10.0.0.5' is neither a host name nor an address"),
        ([""], "'' is neither"),
        (["my box"], "'my box' is neither"),
    ],
)
def test_names_an_admin_gives_that_devices_would_refuse_are_refused_and_nothing_is_written(issued, names, said):
    before = issued.cert.read_bytes()
    with pytest.raises(InvalidInput, match=re.escape(said)):
        tls.ensure(issued.cert.parent, names, strict=True)
    assert issued.cert.read_bytes() == before


def test_ca_key_is_private(issued):
    assert (issued.cert.parent / "ca.key").stat().st_mode & 0o077 == 0


def test_box_names_include_localhost_and_dot_local():
    names = tls.box_names()
    assert {"localhost", f"{socket.gethostname().split('.')[0]}.local"} <= set(names)
    assert "ragbot.local" in tls.box_names("ragbot")  # the name announced over mDNS (mdns_name)


def _run(config: uvicorn.Config):
    """Start a uvicorn server in a thread; return it once it listens."""
    running = uvicorn.Server(config)
    threading.Thread(target=running.run, daemon=True).start()
    deadline = time.time() + 30
    while not running.started and time.time() < deadline:
        time.sleep(0.05)
    assert running.started
    return running


@pytest.fixture
def https(settings, services, issued):
    """The app served over HTTPS with the generated certificate, and its plain-HTTP redirect port."""
    settings = msgspec.structs.replace(
        settings,
        host="127.0.0.1",
        port=free_port(),
        http_redirect_port=free_port(),
        tls_cert_file=str(issued.cert),
        tls_key_file=str(issued.key),
    )
    services.settings = settings  # the routes read the settings the services hold
    main = _run(server.config(settings, create_app(settings, services)))
    redirect = _run(server.redirect_config(settings))
    yield settings
    main.should_exit = redirect.should_exit = True


def test_server_answers_over_https_verified_by_the_generated_ca(https, issued):
    with httpx.Client(verify=ssl.create_default_context(cafile=issued.ca)) as client:
        assert client.get(f"https://localhost:{https.port}/api/health").status_code == 200


def test_https_responses_carry_hsts(https, issued):
    with httpx.Client(verify=ssl.create_default_context(cafile=issued.ca)) as client:
        assert (
            "max-age" in client.get(f"https://127.0.0.1:{https.port}/api/health").headers["strict-transport-security"]
        )


def test_plain_http_port_only_redirects_to_https(https):
    response = httpx.get(f"http://localhost:{https.http_redirect_port}/api/v1/me?x=1")
    assert (response.status_code, response.headers["location"]) == (
        308,
        f"https://localhost:{https.port}/api/v1/me?x=1",
    )


def test_ca_certificate_is_offered_for_download(https, issued):
    with httpx.Client(verify=ssl.create_default_context(cafile=issued.ca)) as client:
        assert client.get(f"https://localhost:{https.port}/ca.crt").content == issued.ca.read_bytes()


def test_the_page_and_the_ca_certificate_answer_head_with_headers_only(https, issued):
    """An admin's `curl -I` or a link checker asks with HEAD: the same headers as GET, no body, no 405."""
    with httpx.Client(verify=ssl.create_default_context(cafile=issued.ca)) as client:
        for path in ("/ca.crt", "/"):
            got, head = (
                client.get(f"https://localhost:{https.port}{path}"),
                client.head(f"https://localhost:{https.port}{path}"),
            )
            assert (head.status_code, head.content) == (200, b""), path
            assert head.headers["content-type"] == got.headers["content-type"], path
        assert int(head.headers["content-length"]) == len(got.content)
        ca = client.head(f"https://localhost:{https.port}/ca.crt")
        assert 'filename="ragbot-ca.crt"' in ca.headers["content-disposition"]
        assert int(ca.headers["content-length"]) == issued.ca.stat().st_size


def test_plain_http_on_the_https_port_is_refused(https):
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{https.port}/api/health")


def _https_finding(settings, issued, now):
    settings = msgspec.structs.replace(settings, tls_cert_file=str(issued.cert), tls_key_file=str(issued.key))
    check = doctor.Doctor(settings, settings.data_path / "none.toml", repair=False, embedder=lambda: None)
    return next(check.check_certificate(now))


def test_doctor_warns_before_the_certificate_expires(settings, issued):
    assert _https_finding(settings, issued, LATER).problem


def test_doctor_is_content_with_a_fresh_certificate(settings, issued):
    assert not _https_finding(settings, issued, None).problem


def test_ca_is_limited_to_local_names_and_addresses(issued):
    constraints = x509.load_pem_x509_certificate(issued.ca.read_bytes()).extensions.get_extension_for_class(
        x509.NameConstraints
    )
    dns = {n.value for n in constraints.value.permitted_subtrees or [] if isinstance(n, x509.DNSName)}
    assert dns == {"box", "localhost", "local"}


def test_doctor_names_a_missing_certificate(settings, issued):
    issued.cert.unlink()
    assert _https_finding(settings, issued, None).problem


@pytest.mark.parametrize("key", ["another box's key", "the certificate itself", "a key not there"])
def test_a_key_that_cannot_serve_the_certificate_is_named_by_doctor_and_serve(settings, issued, tmp_path, key):
    # `serve` said "[X509: KEY_VALUES_MISMATCH] key values mismatch", "[SSL] PEM lib" or "[Errno 2] No such file or
    # directory", naming neither setting nor file, and `doctor` found no problem.
    path = {
        "another box's key": tls.ensure(tmp_path / "other", NAMES).key,
        "the certificate itself": issued.cert,
        "a key not there": tmp_path / "gone.key",
    }[key]
    settings = msgspec.structs.replace(settings, tls_cert_file=str(issued.cert), tls_key_file=str(path))
    finding = next(doctor.Doctor(settings, tmp_path / "none.toml", repair=False).check_certificate())
    assert finding.problem and f"tls_key_file {path}" in finding.detail
    with pytest.raises(ConfigError, match=f"tls_key_file {re.escape(str(path))}"):
        server.serve(settings)


def test_a_ca_file_that_cannot_be_read_is_named_by_doctor(settings, issued, tmp_path):
    # A typo in tls_ca_file: /ca.crt answered students "no certificate authority of its own", and doctor saw nothing.
    settings = msgspec.structs.replace(
        settings, tls_cert_file=str(issued.cert), tls_key_file=str(issued.key), tls_ca_file=str(tmp_path / "ca.crt")
    )
    finding = next(doctor.Doctor(settings, tmp_path / "none.toml", repair=False).check_certificate())
    assert finding.problem and f"tls_ca_file: cannot read the certificate {tmp_path / 'ca.crt'}" in finding.detail
    settings = msgspec.structs.replace(settings, tls_ca_file=str(issued.ca))
    assert not next(doctor.Doctor(settings, tmp_path / "none.toml", repair=False).check_certificate()).problem
