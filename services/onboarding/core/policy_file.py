"""Load and validate a policy file; every problem is reported with the path of its field.

    policy = load_policy(Path("services/onboarding/data/policy.default.yaml"))

A bad file raises `InvalidPolicy` (an `InvalidArgument`) listing every problem at once, each as
a `FieldViolation` with a dotted path ("rules[3].when.any[0]", "risk.products.gold"), so
start-up fails loudly and the author fixes the file in one pass. Beyond the shape (see
`core.policy_schema`), the checks here are the ones a schema cannot express: signals must
exist, rule ids must be unique, internal reasons can never be client reasons, rules driven by
confidential signals may only give neutral client reasons, review cycles get shorter as risk
rises. The content hash covers the validated policy and the country lists it uses.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import orjson
import yaml
from pydantic import ValidationError

from services.common.errors import FieldViolation, InvalidArgument
from services.onboarding.core.policy import Outcome, Policy
from services.onboarding.core.policy_build import build_policy
from services.onboarding.core.policy_schema import CountryListModel, PolicyFileModel, RuleModel
from services.onboarding.core.reasons import ClientReason, InternalReason
from services.onboarding.core.signals import SIGNALS

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_POLICY = DATA_DIR / "policy.default.yaml"
BUILTIN_COUNTRY_LIST = DATA_DIR / "fatf_jurisdictions.yaml"
MAX_FILE_BYTES = 1_000_000


class InvalidPolicy(InvalidArgument):
    """The policy file (or a file it names) is not a valid onboarding policy."""

    reason = "INVALID_POLICY"


def load_policy(path: Path) -> Policy:
    """Read, validate and build the policy at `path` (raises `InvalidPolicy`)."""
    policy_model = _validated(PolicyFileModel, _read_yaml(path), path)
    _check_rules(policy_model, path)
    list_path = _country_list_path(policy_model.risk.countries.fatf_lists, path)
    country_model = _validated(CountryListModel, _read_yaml(list_path), list_path)
    _check_country_codes(country_model, policy_model, list_path, path)
    digest = content_sha256(policy_model, country_model)
    try:
        return build_policy(policy_model, country_model, digest)
    except ValueError as error:  # review periods: parsed and compared while building
        raise _invalid(path, [FieldViolation("risk.review_periods", str(error))]) from error


def content_sha256(policy: PolicyFileModel, countries: CountryListModel) -> str:
    """SHA-256 of the canonical JSON of the validated policy and country lists.

    Hashing the validated form (not the raw bytes) means comments and layout do not change
    the hash, while any change that could change a decision does.
    """
    document = {
        "policy": policy.model_dump(mode="json"),
        "countries": countries.model_dump(mode="json"),
    }
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()


# --- reading --------------------------------------------------------------------------------
# libyaml's parser when present (about 10x faster); the constructors stay the safe ones.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _mapping_without_duplicates(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _mapping_without_duplicates,
)


def _read_yaml(path: Path) -> object:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise _invalid(
            path, [FieldViolation("(file)", f"cannot be read: {error.strerror}")]
        ) from error
    if len(raw) > MAX_FILE_BYTES:
        raise _invalid(path, [FieldViolation("(file)", f"is larger than {MAX_FILE_BYTES} bytes")])
    try:
        return yaml.load(raw, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(yaml)"
        problem = getattr(error, "problem", None) or str(error)
        raise _invalid(path, [FieldViolation(where, f"not valid YAML: {problem}")]) from error


_Model = TypeVar("_Model", PolicyFileModel, CountryListModel)


def _validated(model: type[_Model], data: object, path: Path) -> _Model:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        violations = [FieldViolation(_dotted(e["loc"]), e["msg"]) for e in error.errors()]
        raise _invalid(path, violations) from error


def _dotted(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(document)"


def _invalid(path: Path, violations: list[FieldViolation]) -> InvalidPolicy:
    listing = "; ".join(f"{v.field}: {v.description}" for v in violations)
    return InvalidPolicy(f"{path}: invalid onboarding policy: {listing}", violations)


def _country_list_path(setting: str, policy_path: Path) -> Path:
    if setting == "builtin":
        return BUILTIN_COUNTRY_LIST
    candidate = Path(setting)
    return candidate if candidate.is_absolute() else policy_path.parent / candidate


# --- checks a schema cannot express ---------------------------------------------------------
def _check_rules(policy: PolicyFileModel, path: Path) -> None:
    problems = list(_duplicate_rule_ids(policy))
    for index, rule in enumerate(policy.rules):
        problems.extend(_rule_problems(rule, f"rules[{index}]"))
    if problems:
        raise _invalid(path, problems)


def _duplicate_rule_ids(policy: PolicyFileModel) -> Iterator[FieldViolation]:
    seen: set[str] = set()
    for index, rule in enumerate(policy.rules):
        if rule.id in seen:
            yield FieldViolation(f"rules[{index}].id", f"rule id {rule.id!r} is used twice")
        seen.add(rule.id)


def _rule_problems(rule: RuleModel, at: str) -> Iterator[FieldViolation]:
    yield from _signal_problems(rule, at)
    yield from _client_reason_problems(rule, at)
    for index, code in enumerate(rule.internal_reasons):
        if code not in InternalReason.__members__:
            yield FieldViolation(
                f"{at}.internal_reasons[{index}]", _unknown(code, InternalReason.__members__)
            )
    if rule.outcome is not Outcome.APPROVED and not rule.internal_reasons:
        yield FieldViolation(
            f"{at}.internal_reasons", "a rule that does not approve must say why, for the officers"
        )


def _signal_problems(rule: RuleModel, at: str) -> Iterator[FieldViolation]:
    if not rule.when.all and not rule.when.any:
        yield FieldViolation(f"{at}.when", "needs at least one signal under 'all' or 'any'")
    for part, names in (("all", rule.when.all), ("any", rule.when.any), ("none", rule.when.none)):
        for index, name in enumerate(names):
            if name not in SIGNALS:
                yield FieldViolation(f"{at}.when.{part}[{index}]", _unknown(name, SIGNALS))


def _client_reason_problems(rule: RuleModel, at: str) -> Iterator[FieldViolation]:
    if rule.outcome is Outcome.APPROVED and rule.client_reasons:
        yield FieldViolation(
            f"{at}.client_reasons", "an approving rule gives the client no reasons"
        )
    confidential = sorted(
        n for n in rule.when.all + rule.when.any if n in SIGNALS and SIGNALS[n].confidential
    )
    for index, code in enumerate(rule.client_reasons):
        field = f"{at}.client_reasons[{index}]"
        if code in InternalReason.__members__ and code not in ClientReason.__members__:
            yield FieldViolation(
                field,
                f"{code} is an internal reason: it must never be shown to the applicant "
                "(tipping-off)",
            )
        elif code not in ClientReason.__members__:
            yield FieldViolation(field, _unknown(code, ClientReason.__members__))
        elif confidential and not ClientReason(code).neutral:
            neutral = ", ".join(sorted(r.value for r in ClientReason if r.neutral))
            yield FieldViolation(
                field,
                f"the rule is driven by confidential signals ({', '.join(confidential)}): "
                f"the applicant may only be given a neutral reason ({neutral})",
            )


def _unknown(name: str, known: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown {name!r}{hint}"


def _check_country_codes(
    countries: CountryListModel, policy: PolicyFileModel, list_path: Path, policy_path: Path
) -> None:
    problems = [
        FieldViolation(f"{section}[{index}]", f"{code!r} is not an ISO 3166-1 alpha-2 code")
        for section, codes in (
            ("call_for_action", countries.call_for_action),
            ("increased_monitoring", countries.increased_monitoring),
        )
        for index, code in enumerate(codes)
        if not _is_alpha2(code)
    ]
    for code in sorted(set(countries.call_for_action) & set(countries.increased_monitoring)):
        problems.append(FieldViolation("increased_monitoring", f"{code} is on both lists"))
    if problems:
        raise _invalid(list_path, problems)
    own = [
        FieldViolation(f"risk.countries.own_assessment.{code}", "not an ISO 3166-1 alpha-2 code")
        for code in policy.risk.countries.own_assessment
        if not _is_alpha2(code)
    ]
    if own:
        raise _invalid(policy_path, own)


def _is_alpha2(code: str) -> bool:
    return len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()
