"""One min-cost flow solved in a second process: ``python -m bot.rules.matching.far_solve``.

It loads the solver at once, then reads one problem from stdin (four arrays in NumPy's .npy
format: request rows, copilot rows, values, remaining seats) and writes the chosen edges back the
same way. A plain child process rather than ``multiprocessing``: a spawned multiprocessing child
imports the parent's main module again, and a script without a ``__main__`` guard would then run
its whole work a second time in the child.
"""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np


def start() -> subprocess.Popen[bytes] | None:
    """The second process, loading the solver while the caller goes on; None if it cannot start."""
    if not sys.executable:  # an embedded interpreter that cannot name itself
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,  # its stderr is ours: a failure's traceback reaches the log
        )
    except OSError:
        return None


def send(
    process: subprocess.Popen[bytes],
    mentee_rows: np.ndarray,
    copilot_rows: np.ndarray,
    values: np.ndarray,
    remaining: np.ndarray,
) -> bool:
    """Hand the process its problem; False if it is gone."""
    assert process.stdin is not None
    try:
        process.stdin.write(_packed(mentee_rows, copilot_rows, values, remaining))
        process.stdin.close()
    except (BrokenPipeError, OSError, ValueError):
        return False
    return True


def answer(process: subprocess.Popen[bytes]) -> np.ndarray | None:
    """The chosen edges, or None if the process failed."""
    assert process.stdout is not None
    try:
        (chosen,) = _unpacked(process.stdout.read(), 1)
    except (OSError, ValueError, EOFError):
        chosen = None
    return chosen if process.wait() == 0 else None


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()


def _packed(*arrays: np.ndarray) -> bytes:
    # Through memory: NumPy writes .npy to a real file with tofile(), which a pipe cannot take.
    buffer = io.BytesIO()
    for array in arrays:
        np.lib.format.write_array(buffer, np.ascontiguousarray(array, dtype=np.int64))
    return buffer.getvalue()


def _unpacked(data: bytes, count: int) -> list[np.ndarray]:
    buffer = io.BytesIO(data)
    return [np.lib.format.read_array(buffer) for _ in range(count)]


def main() -> int:
    from bot.rules.matching.solver import best_assignment

    best_assignment(*(np.zeros(0, dtype=np.int64),) * 4)  # loads OR-Tools before the problem arrives
    mentee_rows, copilot_rows, values, remaining = _unpacked(sys.stdin.buffer.read(), 4)
    sys.stdout.buffer.write(_packed(best_assignment(mentee_rows, copilot_rows, values, remaining)))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
