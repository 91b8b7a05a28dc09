"""Face matching: error rates on the labelled pairs, EER, latency p50, throughput of N workers."""

from __future__ import annotations

import multiprocessing
import os
import statistics
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.identity.data import LabelledPair, labelled_pairs, load
from services.identity.core.face_model import Encoding, default_face_model
from services.identity.core.faces import (
    DEFAULT_THRESHOLDS,
    DOCUMENT_POLICY,
    SELFIE_POLICY,
    analyse_face,
    compare_faces,
)
from services.identity.core.images import decode_image

THRESHOLDS = (0.40, 0.45, 0.48, 0.50, 0.52, 0.55, 0.58, 0.60)


@dataclass(frozen=True, slots=True)
class ScoredPairs:
    """Distances of the same-person (genuine) and different-person (impostor) pairs."""

    genuine: np.ndarray
    impostor: np.ndarray


def score_pairs(faces: Path) -> ScoredPairs:
    """Encode every labelled image once with the production selfie path, then compare."""
    pairs = labelled_pairs(faces)
    names = sorted({p.file_a for p in pairs} | {p.file_b for p in pairs})
    model = default_face_model()
    encodings: dict[str, Encoding] = {}
    for name in names:
        analysis = analyse_face(load(faces / name), SELFIE_POLICY, model)
        if analysis.face is None:
            raise SystemExit(f"no face found in {name}: the reference data says there is one")
        encodings[name] = analysis.face.encoding
    return _split(pairs, encodings)


def _split(pairs: Sequence[LabelledPair], encodings: dict[str, Encoding]) -> ScoredPairs:
    distances = [float(np.linalg.norm(encodings[p.file_a] - encodings[p.file_b])) for p in pairs]
    genuine = np.array([d for d, p in zip(distances, pairs, strict=True) if p.same_person])
    impostor = np.array([d for d, p in zip(distances, pairs, strict=True) if not p.same_person])
    return ScoredPairs(genuine, impostor)


def equal_error_rate(scored: ScoredPairs) -> tuple[float, float]:
    """(EER, threshold): where FMR and FNMR cross, interpolated on a fine threshold sweep."""
    sweep = np.linspace(0.2, 0.9, 1401)
    fnmr = np.array([(scored.genuine > t).mean() for t in sweep])
    fmr = np.array([(scored.impostor <= t).mean() for t in sweep])
    crossing = int(np.argmin(np.abs(fnmr - fmr)))
    return float((fnmr[crossing] + fmr[crossing]) / 2.0), float(sweep[crossing])


def print_error_table(scored: ScoredPairs) -> None:
    """FNMR and FMR per threshold, the chosen one marked, then the EER."""
    genuine, impostor = scored.genuine, scored.impostor
    print(
        f"\nFace matching on pairs_reference.csv: {len(genuine)} genuine, {len(impostor)} impostor"
    )
    print(f"{'threshold':>10} {'FNMR':>16} {'FMR':>18}")
    for t in THRESHOLDS:
        mark = "  <- MATCH threshold" if t == DEFAULT_THRESHOLDS.match_at_most else ""
        fnmr, fmr = int((genuine > t).sum()), int((impostor <= t).sum())
        print(
            f"{t:>10.2f} {fnmr:>4}/{len(genuine)} ({fnmr / len(genuine):6.2%})"
            f" {fmr:>4}/{len(impostor)} ({fmr / len(impostor):6.3%}){mark}"
        )
    eer, at = equal_error_rate(scored)
    print(f"EER {eer:.2%} at distance {at:.3f}")
    print(f"largest genuine distance {genuine.max():.4f}, smallest impostor {impostor.min():.4f}")
    review = int(((genuine > 0.5) & (genuine <= 0.6)).sum())
    print(
        f"genuine pairs in the REVIEW band (0.50, 0.60]: {review}; beyond 0.60: "
        f"{int((genuine > 0.6).sum())}"
    )


def selfie_vs_document(selfie: bytes, document: bytes) -> tuple[float, float]:
    """One full match from bytes (decode, detect, encode both, compare): (wall, CPU) in ms.

    CPU time is reported beside wall time because these machines are shared: under a load
    average above the core count, wall time measures the neighbours as much as the code.
    """
    started, cpu = time.perf_counter(), time.process_time()
    model = default_face_model()
    probe = analyse_face(decode_image(selfie).pixels, SELFIE_POLICY, model)
    reference = analyse_face(decode_image(document).pixels, DOCUMENT_POLICY, model)
    compare_faces(probe, reference)
    return (time.perf_counter() - started) * 1000.0, (time.process_time() - cpu) * 1000.0


def workload(data: Path, pairs: int) -> list[tuple[bytes, bytes]]:
    """Selfies from the labelled people, documents from the specimens with a portrait."""
    selfies = sorted((data / "faces" / "people").glob("*/*"))
    documents = sorted((data / "documents" / "icao_style").glob("*.jpg"))
    documents += sorted((data / "documents" / "national_specimens").glob("*"))
    return [
        (selfies[i % len(selfies)].read_bytes(), documents[i % len(documents)].read_bytes())
        for i in range(pairs)
    ]


def print_latency(data: Path, pairs: int, runs: int) -> None:
    """Wall and CPU p50/p90 over every match of every run, with the machine's load."""
    work = workload(data, pairs)
    default_face_model()  # load outside the timing, as a worker does at start-up
    load_before = os.getloadavg()[0]
    per_run = [[selfie_vs_document(s, d) for s, d in work] for _ in range(runs)]
    wall = [w for run in per_run for w, _ in run]
    cpu = [c for run in per_run for _, c in run]
    run_p50 = [statistics.median(w for w, _ in run) for run in per_run]
    print(f"\nSelfie vs document, one process, {pairs} pairs x {runs} runs (decode included)")
    print(
        f"wall p50 {statistics.median(wall):.0f} ms  p90 {np.percentile(wall, 90):.0f} ms  "
        f"(median of run p50s {statistics.median(run_p50):.0f} ms)   target <= 400 ms"
    )
    print(
        f"CPU  p50 {statistics.median(cpu):.0f} ms  p90 {np.percentile(cpu, 90):.0f} ms   "
        f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


def _worker_batch(batch: list[tuple[bytes, bytes]]) -> int:
    for selfie, document in batch:
        selfie_vs_document(selfie, document)
    return len(batch)


def _warm() -> None:
    default_face_model()


def print_throughput(data: Path, pairs: int, workers: Sequence[int], runs: int) -> None:
    """Matches per second with N worker processes (each loads its own model first)."""
    work = workload(data, pairs)
    print(f"\nThroughput, {pairs} selfie-vs-document matches, median of {runs} runs")
    print(f"{'workers':>8} {'matches/s':>10} {'s/run':>8}")
    for count in workers:
        rates = []
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            list(pool.map(_warm_then_count, range(count)))
            for _ in range(runs):
                batches = [work[i::count] for i in range(count)]
                started = time.perf_counter()
                done = sum(pool.map(_worker_batch, batches))
                rates.append(done / (time.perf_counter() - started))
        rate = statistics.median(rates)
        print(f"{count:>8} {rate:>10.2f} {pairs / rate:>8.1f}")


def _warm_then_count(_: int) -> int:
    _warm()
    time.sleep(0.5)  # let every worker get one warm-up task, not one worker all of them
    return 1
