"""The MRZ bench on a tiny set: exact reads are counted and the table is printed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.identity.mrz_bench import Case, generated_cases, run
from services.identity.specimens import PHOTO, SpecimenOptions, random_fields, render_specimen


def test_a_read_is_exact_only_when_every_line_matches(capsys: pytest.CaptureFixture[str]) -> None:
    specimen = render_specimen(
        random_fields(np.random.default_rng(2)), None, SpecimenOptions(distortion=PHOTO, seed=2)
    )
    right = Case("right", "generated TD3", specimen.pixels, specimen.mrz)
    wrong = Case("wrong", "generated TD3", specimen.pixels, (specimen.mrz[0], "X" * 44))

    run([right, wrong], runs=1, include_passporteye=False)

    table = capsys.readouterr().out
    assert "generated TD3" in table
    assert "1 (50.0%)" in table
    assert "warden misses: wrong" in table


@pytest.mark.shared_data
def test_generated_cases_alternate_passports_and_cards(shared_data: Path) -> None:
    cases = list(generated_cases(shared_data / "faces", 2, seed=5))
    assert [c.group for c in cases] == ["generated TD3", "generated TD1"]
    assert [len(c.expected or ()) for c in cases] == [2, 3]
