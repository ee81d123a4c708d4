"""A burst of App Home refreshes for one person is drawn at most twice, and the last draw sees the last change."""

from __future__ import annotations

import threading

import pytest

from handlers.home import Coalescer


def test_refreshes_that_arrive_during_a_build_fold_into_one_more_build():
    coalescer = Coalescer()
    state = {"value": 0}
    drawn: list[int] = []
    building = threading.Event()
    release = threading.Event()

    def build() -> None:
        seen = state["value"]  # what the build's queries read
        building.set()
        if not drawn:
            release.wait(5)  # the first build is slow: the burst arrives while it runs
        drawn.append(seen)

    first = threading.Thread(target=coalescer.run, args=(("T1", "U1"), build))
    first.start()
    assert building.wait(5)
    folded = []
    for n in range(1, 11):
        state["value"] = n  # a change is committed, then a refresh is asked for
        folded.append(coalescer.run(("T1", "U1"), build))
    release.set()
    first.join(5)

    assert folded == [False] * 10  # none of the ten built the page itself
    assert drawn == [0, 10]  # one more build, after every change


def test_other_people_are_not_held_up_and_a_failed_build_does_not_wedge_the_page():
    coalescer = Coalescer()
    drawn: list[str] = []
    assert coalescer.run(("T1", "U1"), lambda: drawn.append("U1"))
    assert coalescer.run(("T1", "U2"), lambda: drawn.append("U2"))

    def broken() -> None:
        raise RuntimeError("Slack is away")

    with pytest.raises(RuntimeError):
        coalescer.run(("T1", "U1"), broken)
    assert coalescer.run(("T1", "U1"), lambda: drawn.append("U1 again"))
    assert drawn == ["U1", "U2", "U1 again"]
