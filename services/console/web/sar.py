"""SAR drafting: draft from a case, edit, validate in both formats, four-eyes, export.

Case management hides a SAR from anyone who is not an MLRO or an assigned reviewer by
answering NOT_FOUND; the console adds a role check before it asks (analysts and auditors get a
403 page and never learn whether a SAR exists).
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from warden.cases.v1 import cases_pb2 as pb

from services.cases.core.roles import Action
from services.common.errors import Conflict, InvalidArgument
from services.console.core import sar_form
from services.console.core.sar_form import (
    ACCOUNT_FIELDS,
    ADDRESS_FIELDS,
    SUBJECT_FIELDS,
    TOP_FIELDS,
    TRANSACTION_FIELDS,
)
from services.console.web.guard import act, form_of, page, state_of, text
from services.console.web.render import go, render
from services.console.web.state import ConsoleState, Viewer

FORMATS = {"goaml": pb.SAR_FORMAT_GOAML, "fincen": pb.SAR_FORMAT_FINCEN}
FORMAT_NAMES = {"goaml": "goAML 5.0.2", "fincen": "FinCEN SAR XML"}
PARTY_TYPES = {"person": pb.SAR_PARTY_TYPE_PERSON, "entity": pb.SAR_PARTY_TYPE_ENTITY}


@page(Action.SAR_READ)
async def sar_list(request: Request, viewer: Viewer) -> Response:
    state = state_of(request)
    reply = await state.call(state.cases().stub.ListSars, pb.ListSarsRequest(), viewer.officer_id)
    return render(request, "sars.html", {"viewer": viewer, "sars": reply.sars})


async def _problems(state: ConsoleState, sar_id: str, officer: str) -> dict[str, Any]:
    async def one(fmt: int) -> pb.ValidateSarResponse:
        request = pb.ValidateSarRequest(sar_id=sar_id, format=fmt)  # type: ignore[arg-type]
        return await state.call(state.cases().stub.ValidateSar, request, officer)

    replies = await asyncio.gather(*(one(f) for f in FORMATS.values()))
    return {
        name: sar_form.problems([(p.field, p.description) for p in reply.problems])
        for name, reply in zip(FORMATS, replies, strict=True)
    }


@page(Action.SAR_READ)
async def sar_page(request: Request, viewer: Viewer) -> Response:
    state, sar_id = state_of(request), request.path_params["sar_id"]
    reply = await state.call(
        state.cases().stub.GetSar, pb.GetSarRequest(sar_id=sar_id), viewer.officer_id
    )
    sar = reply.sar
    context = {
        "viewer": viewer,
        "sar": sar,
        "problems": await _problems(state, sar_id, viewer.officer_id),
        "format_names": FORMAT_NAMES,
        "editable": sar.status == pb.SAR_STATUS_DRAFT,
        "is_maker": viewer.officer_id in sar.makers,
        "fields": {
            "subject": SUBJECT_FIELDS,
            "address": ADDRESS_FIELDS,
            "account": ACCOUNT_FIELDS,
            "transaction": TRANSACTION_FIELDS,
        },
    }
    return render(request, "sar.html", context)


@act(Action.SAR_DRAFT)
async def draft(request: Request, viewer: Viewer) -> Response:
    state = state_of(request)
    message = pb.DraftSarRequest(case_id=request.path_params["case_id"])
    reply = await state.call(state.cases().stub.DraftSar, message, viewer.officer_id)
    return go(request, f"/sars/{reply.sar.id}")


def _fill_subject(subject: pb.SarSubject, values: dict[str, str], address: dict[str, str]) -> None:
    for name, value in values.items():
        setattr(subject, name, value)
    # An untouched empty address must stay absent: an empty one is "no country" to the XSD.
    if subject.HasField("address") or any(address.values()):
        for name, value in address.items():
            setattr(subject.address, name, value)


def _subjects(content: pb.SarContent, form: dict[str, str]) -> None:
    kept = []
    for i, subject in enumerate(content.subjects):
        if form.get(f"subjects-{i}-remove"):
            continue
        _fill_subject(
            subject,
            sar_form.row(form, "subjects", i, SUBJECT_FIELDS),
            sar_form.row(form, "subjects-address", i, ADDRESS_FIELDS),
        )
        if form.get(f"subjects-{i}-party_type") in PARTY_TYPES:
            subject.party_type = PARTY_TYPES[form[f"subjects-{i}-party_type"]]
        kept.append(subject)
    new = sar_form.row(form, "subjects", "new", SUBJECT_FIELDS)
    if sar_form.new_row_filled(new):
        kind = PARTY_TYPES.get(form.get("subjects-new-party_type", ""), pb.SAR_PARTY_TYPE_PERSON)
        added = pb.SarSubject(party_type=kind)
        _fill_subject(added, new, sar_form.row(form, "subjects-address", "new", ADDRESS_FIELDS))
        kept.append(added)
    del content.subjects[:]
    content.subjects.extend(kept)


def _rows(items: Any, section: str, names: tuple[str, ...], form: dict[str, str]) -> None:
    for i, item in enumerate(items):
        for name, value in sar_form.row(form, section, i, names).items():
            setattr(item, name, value)


def apply_form(current: pb.SarContent, form: dict[str, str]) -> pb.SarContent:
    """The SAR content with the officer's edits (fields not in the form are kept as they were)."""
    content = pb.SarContent()
    content.CopyFrom(current)
    for name in TOP_FIELDS:
        if name in form:
            setattr(content, name, form[name].strip())
    if "typologies" in form:
        del content.typologies[:]
        content.typologies.extend(t.strip() for t in form["typologies"].split(",") if t.strip())
    _subjects(content, form)
    _rows(content.accounts, "accounts", ACCOUNT_FIELDS, form)
    for i, account in enumerate(content.accounts):
        account.own_institution = bool(form.get(f"accounts-{i}-own_institution"))
    _rows(content.transactions, "transactions", TRANSACTION_FIELDS, form)
    return content


@act(Action.SAR_EDIT)
async def save(request: Request, viewer: Viewer) -> Response:
    state, sar_id = state_of(request), request.path_params["sar_id"]
    stub = state.cases().stub
    current = (
        await state.call(stub.GetSar, pb.GetSarRequest(sar_id=sar_id), viewer.officer_id)
    ).sar
    if text(request, "version", 20) != str(current.version):
        raise Conflict("This SAR changed since you opened it: reload the page and edit again.")
    form = {k: str(v) for k, v in form_of(request).items() if isinstance(v, str)}
    content = apply_form(current.content, form)
    await state.call(
        stub.UpdateSar, pb.UpdateSarRequest(sar_id=sar_id, content=content), viewer.officer_id
    )
    return go(request, f"/sars/{sar_id}")


def sar_action(action: Action, rpc: str, build: Any) -> Any:
    """A POST route that makes one SAR call, then shows the SAR again."""

    @act(action)
    async def endpoint(request: Request, viewer: Viewer) -> Response:
        state, sar_id = state_of(request), request.path_params["sar_id"]
        await state.call(
            getattr(state.cases().stub, rpc), build(sar_id, request), viewer.officer_id
        )
        return go(request, f"/sars/{sar_id}")

    endpoint.__name__ = rpc
    return endpoint


submit = sar_action(Action.SAR_EDIT, "SubmitSar", lambda s, r: pb.SubmitSarRequest(sar_id=s))
approve = sar_action(
    Action.SAR_APPROVE,
    "ApproveSar",
    lambda s, r: pb.ApproveSarRequest(sar_id=s, comment=text(r, "comment")),
)
send_back = sar_action(
    Action.SAR_APPROVE,
    "RejectSar",
    lambda s, r: pb.RejectSarRequest(sar_id=s, reason=text(r, "reason")),
)
withdraw = sar_action(
    Action.SAR_DRAFT,
    "WithdrawSar",
    lambda s, r: pb.WithdrawSarRequest(sar_id=s, reason=text(r, "reason")),
)
set_reviewer = sar_action(
    Action.SAR_DRAFT,
    "SetSarReviewer",
    lambda s, r: pb.SetSarReviewerRequest(
        sar_id=s, reviewer=text(r, "reviewer", 128), assigned=text(r, "assigned", 8) == "yes"
    ),
)
record_filing = sar_action(
    Action.SAR_EXPORT,
    "RecordSarFiling",
    lambda s, r: pb.RecordSarFilingRequest(sar_id=s, fiu_reference=text(r, "fiu_reference", 200)),
)


@page(Action.SAR_EXPORT)
async def export(request: Request, viewer: Viewer) -> Response:
    """The schema-valid XML of an approved SAR, as a download (the export is audited)."""
    state, sar_id = state_of(request), request.path_params["sar_id"]
    fmt = FORMATS.get(request.path_params["fmt"])
    if fmt is None:
        raise InvalidArgument.for_field("format", "goaml or fincen")
    message = pb.ExportSarRequest(sar_id=sar_id, format=fmt)
    reply = await state.call(state.cases().stub.ExportSar, message, viewer.officer_id)
    safe = "".join(c for c in reply.filename if c.isalnum() or c in "._-") or "sar.xml"
    headers = {
        "Content-Disposition": f'attachment; filename="{safe}"',
        "X-Content-SHA256": reply.sha256,
    }
    return Response(reply.document, media_type="application/xml", headers=headers)
