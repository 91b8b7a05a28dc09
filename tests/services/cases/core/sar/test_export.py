"""Rendered SARs validate against both FIU schemas; invalid drafts are refused, in plain words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from services.cases.core.sar.export import (
    FiuProfiles,
    check_report,
    draft_violations,
    render_report,
)
from services.cases.core.sar.model import SarFormat
from services.cases.core.sar.schemas import SCHEMA_FILES, load_schema, plain_reason
from services.common.errors import InvalidArgument
from tests.services.cases.core.sar.samples import CONTENT, META, PERSON

PROFILES = FiuProfiles()


@pytest.mark.parametrize("fmt", list(SarFormat))
def test_a_complete_draft_renders_valid_xml(fmt: SarFormat) -> None:
    report = render_report(CONTENT, fmt, PROFILES, META)
    assert load_schema(fmt).is_valid(ET.fromstring(report.document))
    assert report.filename.endswith(f"{fmt.value}.xml")
    assert len(report.sha256) == 64


def test_goaml_carries_the_case_facts_and_the_fiu_codes() -> None:
    root = ET.fromstring(render_report(CONTENT, SarFormat.GOAML, PROFILES, META).document)
    assert root.findtext("report_code") == "STR"
    assert root.findtext("entity_reference") == "SAR-0001"
    assert root.findtext("rentity_id") == "1234"
    assert [t.findtext("transactionnumber") for t in root.iter("transaction")] == [
        "tx-0",
        "tx-1",
        "tx-2",
    ]
    assert root.findtext("transaction/amount_local") == "9500.00"  # booked in AED, the FIU currency
    assert [i.text for i in root.iter("indicator")] == ["ML002"]
    # goAML names are ASCII: transliterated, not dropped
    assert [p.findtext("first_name") for p in root.iter("person")] == ["Zoe"]


def test_goaml_without_transactions_is_an_activity_report() -> None:
    content = replace(CONTENT, transactions=(), accounts=())
    root = ET.fromstring(render_report(content, SarFormat.GOAML, PROFILES, META).document)
    assert root.findtext("report_code") == "SAR"
    assert len(list(root.iter("report_party"))) == 2


def test_fincen_has_the_six_mandatory_parties_and_unique_sequence_numbers() -> None:
    root = ET.fromstring(render_report(CONTENT, SarFormat.FINCEN, PROFILES, META).document)
    ns = "{www.fincen.gov/base}"
    codes = [p.findtext(f"{ns}ActivityPartyTypeCode") for p in root.iter(f"{ns}Party")]
    assert codes[:5] == ["35", "37", "30", "8", "34"]
    assert codes.count("33") == 2
    seqs = [e.get("SeqNum") for e in root.iter() if e.get("SeqNum")]
    assert len(seqs) == len(set(seqs))
    assert root.get("TotalAmount") == "7760"  # 3 x 2586.50 rounded up to whole dollars
    assert (
        root.findtext(
            f"{ns}Activity/{ns}SuspiciousActivity/{ns}SuspiciousActivityClassification/{ns}SuspiciousActivitySubtypeID"
        )
        == "114"
    )


def test_a_long_fincen_narrative_is_split_into_blocks() -> None:
    content = replace(CONTENT, narrative="word " * 1700)  # 8,500 characters -> three blocks
    root = ET.fromstring(render_report(content, SarFormat.FINCEN, PROFILES, META).document)
    blocks = [b.text for b in root.iter("{www.fincen.gov/base}ActivityNarrativeText")]
    assert len(blocks) == 3
    assert "".join(b or "" for b in blocks) == content.narrative


def test_an_invalid_draft_is_refused_with_the_schema_reason_in_plain_words() -> None:
    too_long = replace(CONTENT, narrative="x" * 8_001)  # goAML's reason field holds 8,000
    with pytest.raises(InvalidArgument) as refused:
        render_report(too_long, SarFormat.GOAML, PROFILES, META)
    error = refused.value
    assert error.reason == "SAR_SCHEMA_INVALID"
    assert error.violations[0].field == "/report/reason"
    assert (
        error.violations[0].description
        == "narrative: value is longer than the 8000 characters allowed"
    )
    assert "8000 characters" in error.message


def test_a_code_missing_from_the_fiu_list_is_refused_by_the_schema() -> None:
    profiles = replace(PROFILES, goaml=replace(PROFILES.goaml, default_indicators=("NOPE",)))
    content = replace(CONTENT, typologies=("unmapped",))
    with pytest.raises(InvalidArgument) as refused:
        render_report(content, SarFormat.GOAML, profiles, META)
    assert refused.value.violations[0].field == "/report/report_indicators/indicator"
    assert "not a code the FIU's list accepts" in refused.value.violations[0].description


def test_a_fincen_name_over_its_length_is_refused_not_cut() -> None:
    content = replace(CONTENT, subjects=(replace(PERSON, first_name="A" * 36), CONTENT.subjects[1]))
    problems = check_report(content, SarFormat.FINCEN, PROFILES, META)
    assert len(problems) == 1
    assert problems[0].field.endswith("/PartyName[1]/RawIndividualFirstName")
    assert problems[0].description == "first name: value is longer than the 35 characters allowed"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"narrative": " "}, "narrative"),
        ({"narrative": "[MLRO to write: what happened]"}, "narrative"),
        ({"subjects": ()}, "subjects"),
        ({"subjects": (replace(PERSON, last_name=""),)}, "subjects[0].last_name"),
        ({"subjects": (replace(PERSON, nationality="United Kingdom"),)}, "subjects[0].nationality"),
        ({"subjects": (PERSON, PERSON)}, "subjects"),
        ({"activity_to": CONTENT.activity_from.replace(year=2023)}, "activity_to"),
    ],
)
def test_draft_problems_are_named_by_draft_field(change: dict[str, object], field: str) -> None:
    content = replace(CONTENT, **change)  # type: ignore[arg-type]  # test data
    with pytest.raises(InvalidArgument) as refused:
        render_report(content, SarFormat.GOAML, PROFILES, META)
    assert refused.value.reason == "SAR_DRAFT_INCOMPLETE"
    assert field in [v.field for v in refused.value.violations]


def test_transactions_must_join_known_accounts_and_be_in_the_reporting_currency() -> None:
    tx = replace(CONTENT.transactions[0], to_account="nowhere", amount_local=None, currency="EUR")
    content = replace(CONTENT, transactions=(tx,))
    fields = {v.field for v in draft_violations(content, SarFormat.GOAML, PROFILES)}
    assert fields == {"transactions[0].to_account", "transactions[0].amount_local"}


def test_fincen_limits_the_narrative_before_rendering() -> None:
    content = replace(CONTENT, narrative="x" * 20_001)
    fields = [v.field for v in draft_violations(content, SarFormat.FINCEN, PROFILES)]
    assert fields == ["narrative"]
    assert draft_violations(content, SarFormat.GOAML, PROFILES) == []


def test_plain_reasons_drop_namespaces_and_rephrase() -> None:
    raw = "Unexpected child with tag '{www.fincen.gov/base}Foo' at position 3. Tag 'Bar' expected."
    assert plain_reason(raw) == "has an unexpected element Foo (at position 3)"


def test_the_bundled_schemas_are_the_shared_files(shared_data: Path) -> None:
    root = shared_data / "regulatory"
    pairs = {
        SarFormat.GOAML: root / "goaml-5.0.2" / "goAMLSchema.xsd10-compatible.xsd",
        SarFormat.FINCEN: root / "fincen-sar" / "EFL_SARXBatchSchema.xsd",
    }
    for fmt, shared in pairs.items():
        assert SCHEMA_FILES[fmt].read_bytes() == shared.read_bytes()


def test_an_oversized_report_is_refused_before_rendering() -> None:
    many = tuple(replace(CONTENT.transactions[0], reference=f"t{i}") for i in range(1_001))
    fields = [
        v.field
        for v in draft_violations(replace(CONTENT, transactions=many), SarFormat.GOAML, PROFILES)
    ]
    assert fields == ["transactions"]
