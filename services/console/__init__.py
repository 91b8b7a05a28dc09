"""The compliance officers' web console: review, decide and report in a browser.

A server-rendered Starlette app (Jinja2 templates, htmx, no build step) that is a *client* of
case management: every read and every action goes through `CaseService` over gRPC with the
console's own API key (`cases.*` + `auth.delegate`), naming the logged-in officer in
`x-warden-on-behalf-of`. Roles, four-eyes and SAR visibility are decided by the case service;
the console checks roles again before it renders a page or forwards an action, so a missing
button is never the only thing standing between an officer and a forbidden action.

The console owns only what case management does not: officers' passwords (argon2id), log-in
lock-out state and server-side sessions (`adapters/tables.py`).

Layout: `core/` pure rules (lock-out, sessions, CSRF, queue filters, charts, evidence views,
SAR form), `ports.py` stores with in-memory fakes, `adapters/` SQL stores, `client.py` the gRPC
client, `auth.py` log-in use cases, `web/` routes and guards, `runner.py` `start_console`.
"""
