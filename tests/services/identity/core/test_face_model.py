"""The dlib model is confined to a thread: sharing one across threads corrupts the heap."""

from __future__ import annotations

import threading

from services.identity.core.face_model import DlibFaceModel, default_face_model


def _model_of_another_thread() -> DlibFaceModel:
    found: list[DlibFaceModel] = []
    thread = threading.Thread(target=lambda: found.append(default_face_model()))
    thread.start()
    thread.join()
    return found[0]


def test_a_thread_reuses_its_model_and_no_other_thread_gets_it() -> None:
    mine = default_face_model()
    assert default_face_model() is mine
    theirs = _model_of_another_thread()
    assert theirs is not mine
    assert _model_of_another_thread() is not theirs
