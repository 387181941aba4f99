"""The plain-HTTP side of an HTTPS appliance: every request is sent on to the same page over HTTPS."""


def redirect_app(https_port: int):
    """An ASGI app answering 308 to https://<the host asked for>[:https_port]<path>, and nothing else."""
    suffix = "" if https_port == 443 else f":{https_port}"

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": message["type"] + ".complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        host = _host(dict(scope["headers"]).get(b"host", b"").decode("latin-1"))
        query = scope.get("query_string", b"").decode("latin-1")
        location = f"https://{host}{suffix}{scope.get('path', '/')}" + (f"?{query}" if query else "")
        await send(
            {
                "type": "http.response.start",
                "status": 308,
                "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    return app


def _host(header: str) -> str:
    """The Host header without its port ("box:8000" -> "box", "[fe80::1]:8000" -> "[fe80::1]")."""
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.split(":", 1)[0] or "localhost"
