"""Side-by-side timing for tools/benchmark: alternate the contenders, take medians, print ratios."""
import statistics
import time
from typing import Callable, Dict


def compare(contenders: Dict[str, Callable[[], object]], repeats: int = 7, warmup: int = 2) -> Dict[str, float]:
    """Median seconds of each callable, measured interleaved so machine noise hits all alike."""
    for _ in range(warmup):
        for fn in contenders.values():
            fn()
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def format_report(medians: Dict[str, float], reference: str) -> str:
    """One line per contender: median time and its ratio to ``reference``."""
    return '\n'.join(f'{name:<40s} {t * 1000:9.1f} ms   {t / medians[reference]:5.2f}x {reference}'
                     for name, t in medians.items())
