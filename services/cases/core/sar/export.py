"""Turn SAR content into a validated FIU document, or say exactly why it cannot be.

`render_report` is the only way a report leaves the system: draft checks, rendering, then the
FIU's own schema. A document that fails the schema is never returned.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from services.cases.core.sar.content import content_violations
from services.cases.core.sar.fincen import NARRATIVE_BLOCK, render_fincen
from services.cases.core.sar.goaml import ReportMeta, render_goaml
from services.cases.core.sar.model import SarContent, SarFormat
from services.cases.core.sar.profiles import DEMO_FINCEN, DEMO_GOAML, FincenProfile, GoAmlProfile
from services.cases.core.sar.schemas import schema_violations
from services.common.errors import FieldViolation, InvalidArgument

FINCEN_MAX_BLOCKS = 5
FINCEN_CURRENCY = "USD"


@dataclass(frozen=True, slots=True)
class FiuProfiles:
    """The profiles of the FIUs this deployment reports to."""

    goaml: GoAmlProfile = DEMO_GOAML
    fincen: FincenProfile = DEMO_FINCEN
    # The formats this deployment files in: a SAR is submitted only once it is valid in each.
    formats: tuple[SarFormat, ...] = (SarFormat.GOAML, SarFormat.FINCEN)

    def local_currency(self, fmt: SarFormat) -> str:
        return self.goaml.currency_code_local if fmt is SarFormat.GOAML else FINCEN_CURRENCY


@dataclass(frozen=True, slots=True)
class RenderedReport:
    format: SarFormat
    document: bytes
    sha256: str

    @property
    def filename(self) -> str:
        return f"sar-{self.sha256[:12]}-{self.format.value}.xml"


def draft_violations(
    content: SarContent, fmt: SarFormat, profiles: FiuProfiles
) -> list[FieldViolation]:
    """What stops this draft from becoming a valid report in `fmt` (empty: nothing)."""
    found = content_violations(content, profiles.local_currency(fmt))
    if fmt is SarFormat.FINCEN and len(content.narrative) > FINCEN_MAX_BLOCKS * NARRATIVE_BLOCK:
        limit = FINCEN_MAX_BLOCKS * NARRATIVE_BLOCK
        found.append(FieldViolation("narrative", f"FinCEN accepts at most {limit} characters"))
    return found


def check_report(
    content: SarContent, fmt: SarFormat, profiles: FiuProfiles, meta: ReportMeta
) -> list[FieldViolation]:
    """Draft problems, or else the schema's problems with the rendered document."""
    found = draft_violations(content, fmt, profiles)
    if found:
        return found
    return list(schema_violations(_render(content, fmt, profiles, meta), fmt))


def render_report(
    content: SarContent, fmt: SarFormat, profiles: FiuProfiles, meta: ReportMeta
) -> RenderedReport:
    """The validated document; InvalidArgument naming every problem otherwise."""
    draft = draft_violations(content, fmt, profiles)
    if draft:
        raise InvalidArgument(
            f"the SAR draft is incomplete: {draft[0].field} {draft[0].description}",
            draft,
            reason="SAR_DRAFT_INCOMPLETE",
        )
    document = _render(content, fmt, profiles, meta)
    problems = schema_violations(document, fmt)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidArgument(
            f"the {fmt.value} schema refuses the report: {problems[0].field} "
            f"{problems[0].description}{more}",
            problems,
            reason="SAR_SCHEMA_INVALID",
        )
    return RenderedReport(fmt, document, hashlib.sha256(document).hexdigest())


def _render(content: SarContent, fmt: SarFormat, profiles: FiuProfiles, meta: ReportMeta) -> bytes:
    if fmt is SarFormat.GOAML:
        return render_goaml(content, profiles.goaml, meta)
    return render_fincen(content, profiles.fincen, meta)
