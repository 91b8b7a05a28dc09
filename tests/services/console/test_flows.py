"""An officer's day through the console (TestClient), against a real CaseService."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import xmlschema
from starlette.testclient import TestClient

from services.cases import handlers
from services.cases.core.sar.model import SarFormat
from services.cases.core.sar.schemas import SCHEMA_FILES
from services.common.alerts import ScreeningMatch
from services.console import samples
from services.console.images import sample_portrait
from tests.services.console.support import Console, client_for, csrf_of, log_in

CASE_LINK = re.compile(r'href="/cases/(case_[^"]+)"')


def _seed(console: Console) -> dict[str, str]:
    now = datetime.now(UTC)
    ids = {}
    for name, alert in (
        ("screening", samples.screening_hit(now)),
        ("identity", samples.identity_check(now)),
        ("ring", samples.ring(now)),
    ):
        result = handlers.intake(alert, console.cases)
        assert result.case_id is not None
        ids[name] = result.case_id
    return ids


def test_queue_filters_and_claim_next(client: TestClient, console: Console) -> None:
    ids = _seed(console)
    token = log_in(client, "ana")
    page = client.get("/queue?severity=critical")
    assert set(CASE_LINK.findall(page.text)) == {ids["ring"]}
    on_track = client.get("/queue?sla=on_track&queue=sanctions").text
    assert set(CASE_LINK.findall(on_track)) == {ids["screening"]}
    assert not CASE_LINK.findall(client.get("/queue?sla=breached").text)
    bad = client.get("/queue?severity=urgent")
    assert bad.status_code == 400
    assert "severity" in bad.text
    claimed = client.post("/queue/claim-next", data={"csrf_token": token})
    assert claimed.status_code == 303
    assert claimed.headers["location"] == f"/cases/{ids['ring']}"  # critical first
    mine = client.get("/queue?assignee=me")
    assert set(CASE_LINK.findall(mine.text)) == {ids["ring"]}


def test_case_page_explains_each_kind_of_alert(client: TestClient, console: Console) -> None:
    ids = _seed(console)
    log_in(client, "ana")
    hit = client.get(f"/cases/{ids['screening']}").text
    assert "Ivan PETROV" in hit
    assert "Ivan Petrov" in hit
    assert "1984-03-12 vs 1961-07-01" in hit
    assert "https://example.org/lists/demo/SDN-7001" in hit
    identity = client.get(f"/cases/{ids['identity']}").text
    assert "0.710" in identity
    assert "different person" in identity
    assert 'class="mrz-check-bad" title="composite: expected 4"' in identity
    ring = client.get(f"/cases/{ids['ring']}").text
    assert 'id="ring-data"' in ring
    assert "tx-cycle-0" in ring
    assert "/static/vendor/cytoscape.min.js" in ring


def test_four_eyes_false_positive_becomes_a_suppression(
    client: TestClient, console: Console
) -> None:
    ids = _seed(console)
    case_id = ids["screening"]
    token = log_in(client, "ana")
    client.post(f"/cases/{case_id}/claim", data={"csrf_token": token})
    key = handlers.get_case("ana", case_id, console.cases).summary.case.hits[0].alert_key
    review = {
        "csrf_token": token,
        "alert_key": key,
        "verdict": "false_positive",
        "rationale": "DOB differs",
    }
    assert client.post(f"/cases/{case_id}/review-hit", data=review).status_code == 303
    decide = {
        "csrf_token": token,
        "outcome": "false_positive",
        "rationale": "not the listed person",
    }
    assert client.post(f"/cases/{case_id}/decide", data=decide).status_code == 303
    page = client.get(f"/cases/{case_id}").text
    assert "Must be approved by a" in page
    assert "reviewer" in page
    refused = client.post(
        f"/cases/{case_id}/approve", data={"csrf_token": token}, headers={"hx-request": "true"}
    )
    assert refused.status_code == 200
    assert "Four eyes: you took part in this decision" in refused.text
    with client_for(console) as reviewer:
        token_r = log_in(reviewer, "rita")
        approved = reviewer.post(f"/cases/{case_id}/approve", data={"csrf_token": token_r})
        assert approved.status_code == 303, approved.text
        closed = reviewer.get(f"/cases/{case_id}").text
    assert "false positive" in closed
    assert "Active clearances" in closed
    match = ScreeningMatch(samples.ENTRY_ID, "a" * 64, "c" * 64)
    assert handlers.is_suppressed("cust-2001", match, console.cases)


def test_sar_drafted_edited_approved_by_another_mlro_and_exported(
    client: TestClient, console: Console
) -> None:
    case_id = _seed(console)["ring"]
    token = log_in(client, "ana")
    client.post(f"/cases/{case_id}/claim", data={"csrf_token": token})
    client.post(
        f"/cases/{case_id}/decide",
        data={
            "csrf_token": token,
            "outcome": "escalated",
            "rationale": "cycle, no business reason",
        },
    )
    with client_for(console) as mia, client_for(console) as max_:
        token_m = log_in(mia, "mia")
        drafted = mia.post(f"/cases/{case_id}/sar", data={"csrf_token": token_m})
        sar_url = drafted.headers["location"]
        page = mia.get(sar_url).text
        assert "Would it be accepted?" in page
        assert "Subject" in page
        version = re.search(r'name="version" value="(\d+)"', page)
        assert version is not None
        form = {
            "csrf_token": token_m,
            "version": version[1],
            "narrative": "Four accounts moved 36,000 AED in a cycle within four hours.",
            "subjects-new-party_type": "entity",
            "subjects-new-ref": "acct-hub-9",
            "subjects-new-entity_name": "Hub Nine Trading Ltd",
            "subjects-new-nationality": "DE",
        }
        for i, amount in enumerate(
            re.findall(r'name="transactions-\d+-amount" value="([^"]+)"', page)
        ):
            usd = (Decimal(amount) / Decimal("3.6725")).quantize(Decimal("0.01"))  # AED peg
            form[f"transactions-{i}-amount_local"] = str(usd)
        saved = mia.post(f"{sar_url}/save", data=form)
        assert saved.status_code == 303, saved.text
        submitted = mia.post(
            f"{sar_url}/submit", data={"csrf_token": token_m}, headers={"hx-request": "true"}
        )
        problems = mia.get(sar_url).text
        assert submitted.status_code == 200, problems
        assert "pending approval" in problems, problems[problems.find("Would it") :][:2000]
        self_approve = mia.post(
            f"{sar_url}/approve", data={"csrf_token": token_m}, headers={"hx-request": "true"}
        )
        assert 'class="error"' in self_approve.text
        token_x = log_in(max_, "max")
        assert max_.post(f"{sar_url}/approve", data={"csrf_token": token_x}).status_code == 303
        goaml = mia.get(f"{sar_url}/export/goaml")
        fincen = mia.get(f"{sar_url}/export/fincen")
    assert goaml.status_code == 200
    assert fincen.status_code == 200
    xmlschema.XMLSchema11(str(SCHEMA_FILES[SarFormat.GOAML])).validate(goaml.text)
    xmlschema.XMLSchema11(str(SCHEMA_FILES[SarFormat.FINCEN])).validate(fincen.text)


def test_dashboard_draws_charts(client: TestClient, console: Console) -> None:
    _seed(console)
    log_in(client, "aud")
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert page.text.count('<figure class="chart">') == 6
    assert page.text.count("<svg") >= 3  # depth, SLA and ageing have data; rates not yet
    assert "Open cases per queue" in page.text
    assert "sanctions" in page.text


def test_admin_creates_an_officer_who_can_log_in(client: TestClient, console: Console) -> None:
    token = log_in(client, "ada")
    created = client.post(
        "/officers",
        data={
            "csrf_token": token,
            "officer_id": "new.analyst",
            "display_name": "New Analyst",
            "roles": "analyst",
            "password": "a-long-enough-passphrase",
        },
    )
    assert created.status_code == 303, created.text
    with client_for(console) as fresh:
        log_in(fresh, "new.analyst", "a-long-enough-passphrase")
        assert csrf_of(fresh, "/queue")


def test_evidence_upload_shows_images_inline_and_sandboxes_the_rest(
    client: TestClient, console: Console
) -> None:
    case_id = _seed(console)["identity"]
    token = log_in(client, "ana")
    client.post(f"/cases/{case_id}/claim", data={"csrf_token": token})
    png = sample_portrait(1)
    uploaded = client.post(
        f"/cases/{case_id}/evidence",
        data={"csrf_token": token},
        files={"file": ("document.png", png, "image/png")},
    )
    assert uploaded.status_code == 303, uploaded.text
    client.post(
        f"/cases/{case_id}/evidence",
        data={"csrf_token": token},
        files={"file": ("../../note.html", b"<script>alert(1)</script>", "text/html")},
    )
    page = client.get(f"/cases/{case_id}").text
    image = re.search(rf'<img src="(/cases/{case_id}/evidence/[^"]+)" alt="Document image"', page)
    assert image is not None
    shown = client.get(image[1])
    assert shown.content == png
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["content-disposition"].startswith("inline")
    html_link = re.search(rf'href="(/cases/{case_id}/evidence/[^"]+)">note.html<', page)
    assert html_link is not None  # the path was stripped from the uploaded name
    download = client.get(html_link[1])
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in download.headers["content-security-policy"]


def test_audit_log_and_its_verification(client: TestClient, console: Console) -> None:
    _seed(console)
    token = log_in(client, "aud")
    page = client.get("/audit")
    assert page.status_code == 200
    assert "security.login_succeeded" in page.text
    verified = client.post("/audit/verify", data={"csrf_token": token})
    assert verified.status_code == 200
    assert "intact" in verified.text


def test_admin_changes_roles_and_deactivates(client: TestClient, console: Console) -> None:
    token = log_in(client, "ada")
    roles = client.post("/officers/ana/roles", data={"csrf_token": token, "roles": "reviewer"})
    assert roles.status_code == 303
    assert [r.value for r in console.cases.officers.get("ana").roles] == ["reviewer"]
    assert client.post("/officers/ana/deactivate", data={"csrf_token": token}).status_code == 303
    assert not console.cases.officers.get("ana").active
    with client_for(console) as ana:
        form = ana.get("/login")
        found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert found is not None
        refused = ana.post(
            "/login",
            data={"officer_id": "ana", "password": "ana-correct-horse", "csrf_token": found[1]},
        )
    assert refused.status_code == 401
    assert "not active" in refused.text


def test_snooze_until_a_time(client: TestClient, console: Console) -> None:
    case_id = _seed(console)["screening"]
    token = log_in(client, "ana")
    client.post(f"/cases/{case_id}/claim", data={"csrf_token": token})
    assert 'name="until"' in client.get(f"/cases/{case_id}").text
    bad = client.post(
        f"/cases/{case_id}/snooze",
        data={"csrf_token": token, "until": "tomorrow", "reason": "waiting for documents"},
        headers={"hx-request": "true"},
    )
    assert "YYYY-MM-DDTHH:MM" in bad.text
    until = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    ok = client.post(
        f"/cases/{case_id}/snooze",
        data={"csrf_token": token, "until": until, "reason": "waiting for documents"},
    )
    assert ok.status_code == 303, ok.text
    snoozed = handlers.get_case("ana", case_id, console.cases).summary.case.snoozed_until
    assert snoozed is not None
    assert snoozed.strftime("%Y-%m-%dT%H:%M") == until
