"""App assembly: settings, the starlette app, authentication, the CLI and demo data."""
