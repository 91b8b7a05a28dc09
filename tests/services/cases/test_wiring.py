"""The case area as the runtime builds it: SAR subjects come from onboarding's customer records."""

from __future__ import annotations

from services.cases.core.model import SubjectRef
from services.cases.wiring import case_deps
from services.common.alerts import SubjectKind
from services.common.runtime import Container
from services.onboarding.adapters.cases_area import CustomerDirectory


def test_sar_subjects_are_read_from_customer_records(container: Container) -> None:
    subjects = case_deps(container).subjects
    assert isinstance(subjects, CustomerDirectory)
    assert subjects.sar_subjects(SubjectRef(SubjectKind.CUSTOMER, "cus_nobody")) == ()
