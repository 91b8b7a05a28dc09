"""Policy files: the default loads; every kind of mistake fails with the path of the bad field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services.common.errors import InvalidArgument
from services.onboarding.core.policy_file import DEFAULT_POLICY, InvalidPolicy, load_policy
from services.onboarding.core.signals import SIGNALS
from tests.services.onboarding.factories import default_policy, rule, write_policy

Document = dict[str, Any]


def problems(path: Path) -> dict[str, str]:
    with pytest.raises(InvalidPolicy) as caught:
        load_policy(path)
    assert isinstance(caught.value, InvalidArgument)
    assert caught.value.reason == "INVALID_POLICY"
    assert str(path) in caught.value.message
    return {v.field: v.description for v in caught.value.violations}


def test_default_policy_loads_with_version_hash_and_fatf_lists() -> None:
    policy = default_policy()
    assert policy.version == "2025.06-default.2"
    assert len(policy.content_sha256) == 64
    assert {"IR", "KP", "MM"} == policy.risk.country_list.call_for_action
    assert "KE" in policy.risk.country_list.increased_monitoring
    assert str(policy.risk.country_list.as_of) == "2025-06-13"
    # Every rule of the default policy names only known signals.
    assert all(rule.when.mentioned <= SIGNALS.keys() for rule in policy.rules)


def test_hash_ignores_comments_and_layout_but_not_content(tmp_path: Path) -> None:
    reformatted = write_policy(tmp_path, lambda d: None, "same.yaml")
    assert load_policy(reformatted).content_sha256 == default_policy().content_sha256

    def nudge(document: Document) -> None:
        document["risk"]["products"]["credit_card"] = 6

    changed = write_policy(tmp_path, nudge, "changed.yaml")
    assert load_policy(changed).content_sha256 != default_policy().content_sha256


def test_hash_covers_the_country_lists(tmp_path: Path) -> None:
    lists = tmp_path / "fatf.yaml"
    lists.write_text(
        (DEFAULT_POLICY.parent / "fatf_jurisdictions.yaml").read_text().replace("  - YE", "")
    )

    def use_local_lists(document: Document) -> None:
        document["risk"]["countries"]["fatf_lists"] = "fatf.yaml"

    policy = load_policy(write_policy(tmp_path, use_local_lists))
    assert "YE" not in policy.risk.country_list.increased_monitoring
    assert policy.content_sha256 != default_policy().content_sha256


def test_unknown_signal_is_named_with_a_suggestion(tmp_path: Path) -> None:
    def typo(document: Document) -> None:
        rule(document, "document-expired")["when"] = {"any": ["identity.document_expried"]}

    found = problems(write_policy(tmp_path, typo))
    index = [r["id"] for r in default_policy_rules()].index("document-expired")
    assert list(found) == [f"rules[{index}].when.any[0]"]
    assert found[f"rules[{index}].when.any[0]"].startswith(
        "unknown 'identity.document_expried'; did you mean 'identity.document_expired'"
    )


def default_policy_rules() -> list[Document]:
    from tests.services.onboarding.factories import default_policy_document

    rules: list[Document] = default_policy_document()["rules"]
    return rules


def test_unknown_key_and_wrong_types_are_reported_together(tmp_path: Path) -> None:
    def break_things(document: Document) -> None:
        document["rules"][0]["outcme"] = "REJECTED"
        document["risk"]["products"]["private_banking"] = "thirty"
        document["risk"]["pep"] = {"points": 40, "minimum": "extreme"}

    found = problems(write_policy(tmp_path, break_things))
    assert set(found) == {"rules[0].outcme", "risk.products.private_banking", "risk.pep.minimum"}
    assert "Extra inputs are not permitted" in found["rules[0].outcme"]


def test_internal_reason_offered_to_the_client_is_refused(tmp_path: Path) -> None:
    def leak(document: Document) -> None:
        rule(document, "sanctions-possible-match")["client_reasons"] = ["SANCTIONS_POSSIBLE_MATCH"]

    (message,) = problems(write_policy(tmp_path, leak)).values()
    assert "internal reason" in message
    assert "tipping-off" in message


def test_confidential_rule_may_only_give_neutral_client_reasons(tmp_path: Path) -> None:
    def hint(document: Document) -> None:
        rule(document, "pep-declared")["client_reasons"] = ["DOCUMENT_INVALID"]

    ((field, message),) = problems(write_policy(tmp_path, hint)).items()
    assert field.endswith(".client_reasons[0]")
    assert "applicant.declared_pep" in message
    assert "neutral" in message


def test_rule_consistency_checks(tmp_path: Path) -> None:
    def inconsistent(document: Document) -> None:
        rules = document["rules"]
        rules[2]["id"] = rules[1]["id"]
        rule(document, "sanctions-near-match")["client_reasons"] = ["ADDITIONAL_REVIEW_REQUIRED"]
        rule(document, "document-expired")["internal_reasons"] = []
        rule(document, "identity-review")["when"] = {"none": ["identity.approved"]}
        rule(document, "liveness-failed")["internal_reasons"] = ["LIVENESS_FAILD"]

    found = problems(write_policy(tmp_path, inconsistent))
    assert any("is used twice" in m for m in found.values())
    assert any("approving rule gives the client no reasons" in m for m in found.values())
    assert any("must say why" in m for m in found.values())
    assert any("at least one signal" in m for m in found.values())
    assert any("'LIVENESS_FAILED'" in m for m in found.values())


def test_action_must_be_exactly_one_kind(tmp_path: Path) -> None:
    def double(document: Document) -> None:
        rule(document, "document-invalid")["actions"] = [
            {
                "open_case": {"kind": "identity", "severity": "high"},
                "request_resubmission": {"items": ["document"]},
            }
        ]

    (message,) = problems(write_policy(tmp_path, double)).values()
    assert "exactly one of" in message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["risk"]["bands"].update(high_from=20), "risk.bands"),
        (lambda d: d["risk"]["review_periods"].update(high="10y"), "risk.review_periods"),
        (lambda d: d["risk"]["review_periods"].update(medium="3 years"), "risk.review_periods"),
        (lambda d: d["risk"]["products"].clear(), "risk.products"),
        (
            lambda d: d["risk"]["countries"]["own_assessment"].update(Russia=40),
            "risk.countries.own_assessment.Russia",
        ),
        (lambda d: d["risk"]["identity"].update(maybe=5), "risk.identity.maybe.[key]"),
        (lambda d: d.update(version=""), "version"),
        (lambda d: d.update(rules=[]), "rules"),
    ],
)
def test_risk_section_mistakes(tmp_path: Path, change: Any, field: str) -> None:
    found = problems(write_policy(tmp_path, change))
    assert field in found, found


def test_review_period_error_names_the_level(tmp_path: Path) -> None:
    found = problems(
        write_policy(tmp_path, lambda d: d["risk"]["review_periods"].update(medium="3 years"))
    )
    assert found["risk.review_periods"].startswith("medium: '3 years' is not a period")


def test_duplicate_yaml_keys_are_refused_with_their_line(tmp_path: Path) -> None:
    text = DEFAULT_POLICY.read_text().replace(
        "default_outcome: APPROVED", "default_outcome: APPROVED\ndefault_outcome: REJECTED"
    )
    path = tmp_path / "dup.yaml"
    path.write_text(text)
    ((field, message),) = problems(path).items()
    assert field.startswith("line ")
    assert "duplicate key 'default_outcome'" in message


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("version: '1'\nrules: [\n")
    ((field, message),) = problems(path).items()
    assert field.startswith("line 3")
    assert "not valid YAML" in message


def test_missing_and_oversized_files(tmp_path: Path) -> None:
    assert "cannot be read" in problems(tmp_path / "absent.yaml")["(file)"]
    big = tmp_path / "big.yaml"
    big.write_text("#" * 1_000_001)
    assert "larger than" in problems(big)["(file)"]


def test_a_document_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n")
    assert "(document)" in problems(path)


def test_bad_country_list_is_reported_against_its_own_file(tmp_path: Path) -> None:
    lists = tmp_path / "fatf.yaml"
    lists.write_text(
        "as_of: 2025-06-13\nplenary: p\nsource: s\n"
        "call_for_action: [IR, Iran]\nincreased_monitoring: [IR]\n"
    )
    policy = write_policy(tmp_path, lambda d: d["risk"]["countries"].update(fatf_lists=str(lists)))
    with pytest.raises(InvalidPolicy) as caught:
        load_policy(policy)
    assert str(lists) in caught.value.message
    found = {v.field: v.description for v in caught.value.violations}
    assert found == {
        "call_for_action[1]": "'Iran' is not an ISO 3166-1 alpha-2 code",
        "increased_monitoring": "IR is on both lists",
    }
