"""Whether the service can listen on its address and port, and if not, why in words and what to do."""

import errno
import socket


def refusal(host: str, port: int) -> tuple[str, str] | None:
    """Why nothing can listen on host:port, and the fix; None when it is free (a trial bind, let go at once)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a TIME_WAIT port is free
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"{host}:{port} is taken by another program",
                    f"find it with `ss -ltnp 'sport = :{port}'`, or set another port",
                )
            return (
                f"cannot listen on {host}:{port}: {error.strerror}",
                "check the host setting (an address of this machine) and the port (>= 1024 unless run with privileges)",
            )
    return None
