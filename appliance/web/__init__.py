"""The HTTP edge: the Litestar app, its routes and schemas, sign-in, logging, and the web app's static files."""
