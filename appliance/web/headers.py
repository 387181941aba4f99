"""Security headers on every response, and no disk caching of API answers on shared classroom PCs."""

# The web app loads and calls only the appliance itself; no page may be framed.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI starts itself with an inline script and inline styles; it is still served only from here.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
ALWAYS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
}
# Browsers keep HTTPS-only for a year once they have seen this over HTTPS (never sent over plain HTTP).
HSTS = b"max-age=31536000"


def headers_for(path: str, scheme: str) -> dict[bytes, bytes]:
    """The headers a response to `path` over `scheme` gets, unless the route set its own."""
    policy = DOCS_POLICY if path == "/api/docs" or path.startswith("/api/docs/") else PAGE_POLICY
    extra = ALWAYS | {b"content-security-policy": policy.encode()}
    if path.startswith(("/api/v1/", "/v1/")):
        # Answers and documents must not stay in a shared PC's disk cache.
        extra[b"cache-control"] = b"no-store"
    if scheme == "https":
        extra[b"strict-transport-security"] = HSTS
    return extra


async def add_headers(message, scope) -> None:
    """Litestar before_send hook (so errors raised before any route, such as 401s, get them too)."""
    if message["type"] != "http.response.start" or scope["type"] != "http":
        return
    extra = headers_for(scope["path"], scope.get("scheme", "http"))
    headers = list(message.get("headers", []))
    if b"cache-control" in extra:  # on the API, no-store wins over whatever the route said
        headers = [(name, value) for name, value in headers if name.lower() != b"cache-control"]
    present = {name.lower() for name, _ in headers}
    message["headers"] = headers + [(name, value) for name, value in extra.items() if name not in present]
