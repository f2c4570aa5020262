"""How many examples the property tests run: a few, derandomized, in the suite; many under `make fuzz`.

`FOLIO_FUZZ_EXAMPLES=N` (set by `make fuzz EXAMPLES=N`) runs N examples per property with random
seeds; without it each property runs a small fixed number with a fixed seed (same examples on
every run and every machine).
"""

from __future__ import annotations

import contextlib
import os
import time

from hypothesis import HealthCheck, Phase, settings

FUZZ = int(os.environ.get("FOLIO_FUZZ_EXAMPLES") or 0)

SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture,
           HealthCheck.large_base_example]


# In the suite a failure is reported as found (the examples are fixed, so it reproduces as is);
# `make fuzz` shrinks it to a small site first, for the regression test.
# FOLIO_FUZZ_SHRINK=0 reports the first failure as found (a quick look on a busy machine).
SHRINK = bool(FUZZ) and os.environ.get("FOLIO_FUZZ_SHRINK", "1") != "0"
PHASES = tuple(Phase) if SHRINK else (Phase.explicit, Phase.reuse, Phase.generate)


def examples(in_suite: int) -> settings:
    return settings(max_examples=FUZZ or in_suite, derandomize=not FUZZ, deadline=None, database=None,
                    suppress_health_check=SLOW_OK, print_blob=True, phases=PHASES)


def machine(in_suite: int, steps: int) -> settings:
    return settings(max_examples=max(1, FUZZ // 10) if FUZZ else in_suite, stateful_step_count=steps,
                    derandomize=not FUZZ, deadline=None, database=None, suppress_health_check=SLOW_OK,
                    print_blob=True, phases=PHASES)


@contextlib.contextmanager
def note_example(prop: str):
    """Under `make fuzz`, one line per example in $FOLIO_FUZZ_LOG: a long run says how far it got."""
    log = os.environ.get("FOLIO_FUZZ_LOG")
    started = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "ok"
    except BaseException as exc:
        outcome = "failed\t" + " ".join(str(exc).split())[:600]
        raise
    finally:
        if log:
            with open(log, "a", encoding="utf-8") as out:
                out.write(f"{prop}\t{outcome}\t{time.perf_counter() - started:.1f}s\n")
