"""App Home pages are drawn a few at a time in the background; a burst for one person folds into one more
draw that sees the last change, and a person's page is never drawn twice at once."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from handlers.home import Painter


@pytest.fixture
def pool():
    executor = ThreadPoolExecutor(max_workers=16)
    yield executor
    executor.shutdown(wait=True)


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the painter did not get there"
        time.sleep(0.005)


def test_changes_that_arrive_during_a_draw_fold_into_one_more_draw_of_the_last_change(pool):
    painter = Painter(lambda: pool)
    state = {"value": 0}
    drawn: list[int] = []
    drawing = threading.Event()
    release = threading.Event()

    def draw() -> None:
        seen = state["value"]  # what the draw's queries read
        drawing.set()
        if not drawn:
            release.wait(5)  # the first draw is slow: the burst arrives while it runs
        drawn.append(seen)

    assert painter.paint(("T1", "U1"), draw)
    assert drawing.wait(5)
    queued = []
    for n in range(1, 11):
        state["value"] = n  # a change is committed, then a refresh is asked for
        queued.append(painter.paint(("T1", "U1"), draw))
    release.set()
    wait_until(lambda: len(drawn) == 2)
    time.sleep(0.05)

    assert queued == [True] + [False] * 9  # the first waits for one more draw, the rest fold into it
    assert drawn == [0, 10]  # one more draw, after every change


def test_no_more_than_the_painters_draw_at_once_and_nobody_is_drawn_twice_at_once(pool):
    painter = Painter(lambda: pool, at_once=3)
    lock = threading.Lock()
    now: list[str] = []
    most = 0
    overlap_for_one_person = []
    drawn: list[str] = []

    def draw_for(user: str):
        def draw() -> None:
            nonlocal most
            with lock:
                if user in now:
                    overlap_for_one_person.append(user)
                now.append(user)
                most = max(most, len(now))
            time.sleep(0.01)
            with lock:
                now.remove(user)
                drawn.append(user)

        return draw

    people = [f"U{n}" for n in range(20)]
    for user in people:
        painter.paint(("T1", user), draw_for(user))
    for user in people[:5]:  # asked again while the queue is long
        painter.paint(("T1", user), draw_for(user))
    wait_until(lambda: set(drawn) == set(people) and not now)
    time.sleep(0.05)

    assert most == 3  # sixteen threads free, three painters
    assert overlap_for_one_person == []
    assert len(drawn) <= 25 and sorted(set(drawn)) == sorted(people)


def test_a_failed_draw_is_logged_and_the_next_request_draws_again(pool, caplog):
    painter = Painter(lambda: pool)
    drawn: list[str] = []

    def broken() -> None:
        raise RuntimeError("the database is away")

    with caplog.at_level(logging.WARNING, logger="handlers.home"):
        painter.paint(("T1", "U1"), broken)
        wait_until(lambda: any("could not draw a Home tab" in r.getMessage() for r in caplog.records))
    painter.paint(("T1", "U1"), lambda: drawn.append("U1 again"))
    wait_until(lambda: drawn == ["U1 again"])
