"""The Starlette application: routes, guards, templates and security headers."""
