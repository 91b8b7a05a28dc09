"""Security of the console, through the real app and a real CaseService."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.testclient import TestClient

from services.cases import handlers
from services.console import samples
from services.console.web.app import CSP, routes
from services.console.web.guard import GUARDED
from tests.services.console.support import CSRF, Console, client_for, csrf_of, log_in, password


def _case(console: Console) -> str:
    result = handlers.intake(samples.screening_hit(datetime.now(UTC)), console.cases)
    assert result.case_id is not None
    return result.case_id


def test_pages_without_a_session_redirect_to_log_in(client: TestClient, console: Console) -> None:
    case_id = _case(console)
    for path in ("/queue", f"/cases/{case_id}", "/sars", "/dashboard", "/audit", "/officers"):
        reply = client.get(path)
        assert reply.status_code == 303, path
        assert reply.headers["location"].startswith("/login?next=")
    reply = client.post(f"/cases/{case_id}/claim", data={"csrf_token": "x"})
    assert reply.status_code == 303
    assert reply.headers["location"].startswith("/login")


def test_security_headers_on_every_page(client: TestClient) -> None:
    reply = client.get("/login")
    assert reply.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP
    assert "unsafe-eval" not in CSP
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["cache-control"] == "no-store"
    assert "<script>" not in reply.text
    assert " onclick=" not in reply.text


def test_session_cookie_is_httponly_strict_and_secure_over_https(console: Console) -> None:
    with client_for(console, "https://testserver") as client:
        form = client.get("/login")
        token = CSRF.search(form.text)
        assert token is not None
        reply = client.post(
            "/login",
            data={"officer_id": "ana", "password": password("ana"), "csrf_token": token[1]},
        )
    cookie = next(v for k, v in reply.headers.multi_items() if k == "set-cookie" and "session" in v)
    assert cookie.startswith("__Host-warden_session=")
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert flag.lower() in cookie.lower()


def test_an_analyst_cannot_reach_mlro_pages_or_sars(client: TestClient, console: Console) -> None:
    log_in(client, "ana")
    for path in ("/sars", "/sars/sar_anything", "/audit", "/officers"):
        reply = client.get(path)
        assert reply.status_code == 403, path
        assert "needs one of the roles" in reply.text
    token = csrf_of(client, "/queue")
    reply = client.post(f"/cases/{_case(console)}/sar", data={"csrf_token": token})
    assert reply.status_code == 403


def test_a_missing_or_wrong_csrf_token_is_refused(client: TestClient, console: Console) -> None:
    case_id = _case(console)
    token = log_in(client, "ana")
    assert client.post(f"/cases/{case_id}/claim").status_code == 403
    assert client.post(f"/cases/{case_id}/claim", data={"csrf_token": "forged"}).status_code == 403
    cross = client.post(
        f"/cases/{case_id}/claim",
        data={"csrf_token": token},
        headers={"origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    assert handlers.get_case("ana", case_id, console.cases).summary.case.assignee is None
    ok = client.post(f"/cases/{case_id}/claim", data={"csrf_token": token})
    assert ok.status_code == 303
    assert handlers.get_case("ana", case_id, console.cases).summary.case.assignee == "ana"


def test_log_in_form_needs_its_own_csrf_token(client: TestClient) -> None:
    reply = client.post("/login", data={"officer_id": "ana", "password": password("ana")})
    assert reply.status_code == 403
    assert "expired" in reply.text


def test_every_post_route_is_guarded_with_csrf() -> None:
    for route in routes():
        methods = getattr(route, "methods", None) or set()
        if "POST" in methods and getattr(route, "path", "") != "/login":
            assert getattr(route.endpoint, GUARDED) == "act", route.path  # type: ignore[attr-defined]


def test_lock_out_after_repeated_failures_and_audit(client: TestClient, console: Console) -> None:
    for _ in range(3):  # the fixture's threshold
        form = client.get("/login")
        token = CSRF.search(form.text)
        assert token is not None
        reply = client.post(
            "/login",
            data={"officer_id": "rita", "password": "wrong-password!", "csrf_token": token[1]},
        )
        assert reply.status_code == 401
    assert "locked until" in reply.text
    form = client.get("/login")
    token = CSRF.search(form.text)
    assert token is not None
    refused = client.post(
        "/login", data={"officer_id": "rita", "password": password("rita"), "csrf_token": token[1]}
    )
    assert refused.status_code == 401
    assert "locked" in refused.text
    actions = [e.action for e in console.cases.audit.entries(0, 1000)]
    assert actions.count("security.login_failed") >= 3
    assert actions.count("security.login_locked_out") == 1


def test_log_in_and_out_are_audited_and_end_the_session(
    client: TestClient, console: Console
) -> None:
    token = log_in(client, "ana")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/queue").status_code == 303
    entries = console.cases.audit.entries(0, 1000)
    assert any(e.action == "security.login_succeeded" and e.actor == "ana" for e in entries)
    assert any(e.action == "security.logout" and e.actor == "ana" for e in entries)


def test_unknown_officer_gets_the_same_answer_as_a_wrong_password(client: TestClient) -> None:
    texts = []
    for officer in ("nobody", "ana"):
        form = client.get("/login")
        token = CSRF.search(form.text)
        assert token is not None
        reply = client.post(
            "/login",
            data={"officer_id": officer, "password": "not-the-password", "csrf_token": token[1]},
        )
        texts.append(reply.status_code)
        assert "Wrong officer id or password." in reply.text
    assert texts == [401, 401]


def test_open_redirect_after_log_in_is_refused(client: TestClient) -> None:
    form = client.get("/login?next=//evil.example/x")
    token = CSRF.search(form.text)
    assert token is not None
    reply = client.post(
        "/login",
        data={
            "officer_id": "ana",
            "password": password("ana"),
            "csrf_token": token[1],
            "next": "//evil.example/x",
        },
    )
    assert reply.headers["location"] == "/queue"


def test_stored_html_in_names_and_notes_is_escaped(client: TestClient, console: Console) -> None:
    """A list publisher's entry name and an officer's note carrying script stay text."""
    attack = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    alert = samples.screening_hit(datetime.now(UTC), subject="cust-xss")
    evidence = dict(alert.evidence)
    evidence["entry"] = {**samples.ENTRY, "names": [{"full": attack, "quality": "primary"}]}
    from dataclasses import replace

    result = handlers.intake(replace(alert, evidence=evidence, title=attack), console.cases)
    case_id = result.case_id
    token = log_in(client, "ana")
    client.post(f"/cases/{case_id}/claim", data={"csrf_token": token})
    client.post(f"/cases/{case_id}/comment", data={"csrf_token": token, "text": attack})
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert attack not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<img src=x" not in page.text
    queue = client.get("/queue")
    assert attack not in queue.text
    assert "&lt;script&gt;" in queue.text
