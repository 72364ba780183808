"""Side-by-side timing for tools/benchmark: alternate the contenders, take medians, print ratios."""
import argparse
import contextlib
import ctypes
import statistics
import time
from typing import Callable, Dict, Iterator, Optional

import torch
from torch.utils.flop_counter import FlopCounterMode


def image_benchmark_parser(height: int, width: int, model: str = 'ViT-B-16', repeats: int = 5):
    """The options of a benchmark on one image size: --model, --height, --width, --repeats, --device."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', default=model)
    parser.add_argument('--height', type=int, default=height)
    parser.add_argument('--width', type=int, default=width)
    parser.add_argument('--repeats', type=int, default=repeats)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    return parser


# Dense (no sparsity) peak tensor throughput in TFLOP/s from the vendors' data sheets, by a
# substring of ``torch.cuda.get_device_name()``; first match wins (H100 PCIe before H100).
PEAK_TFLOPS = (
    ('H100 PCIe', dict(float32=51.0, tf32=378.0, bfloat16=756.0)),
    ('H100', dict(float32=67.0, tf32=495.0, bfloat16=989.0)),  # SXM
    ('H200', dict(float32=67.0, tf32=495.0, bfloat16=989.0)),
    ('A100', dict(float32=19.5, tf32=156.0, bfloat16=312.0)),
)


def _synchronize() -> None:
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


def compare(contenders: Dict[str, Callable[[], object]], repeats: int = 7, warmup: int = 2) -> Dict[str, float]:
    """Median seconds of each callable, measured interleaved so machine noise hits all alike.

    CUDA work is waited for before and after each call, so GPU timings are not just launch times.
    """
    for _ in range(warmup):
        for fn in contenders.values():
            fn()
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            _synchronize()
            start = time.perf_counter()
            fn()
            _synchronize()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


@contextlib.contextmanager
def reused_cpu_memory() -> Iterator[bool]:
    """Within the block, glibc's malloc keeps freed memory for reuse instead of handing it back to the system.

    By default glibc maps large blocks (activations) afresh and returns them when freed, so every CPU
    step page-faults its activations in again, at a cost that grows with the step's memory rather than
    its FLOPs. Keeping them is what PyTorch's caching allocator does on CUDA and what jemalloc /
    tcmalloc (PyTorch's CPU tuning guide) do. It holds for the main thread's heap (where a script's
    forward and CPU backward allocate), not for glibc's per-thread arenas. Yields False, changing
    nothing, where glibc is not the C library; on exit restores glibc's defaults and hands the kept
    memory back.
    """
    try:
        libc = ctypes.CDLL('libc.so.6')
        mallopt, malloc_trim = libc.mallopt, libc.malloc_trim
    except (OSError, AttributeError):
        yield False
        return
    m_trim_threshold, m_mmap_max = -1, -4
    mallopt(m_mmap_max, 0)  # no separate mappings: large blocks come from the heap too
    mallopt(m_trim_threshold, 2**31 - 1)  # and the heap is not trimmed
    try:
        yield True
    finally:
        mallopt(m_mmap_max, 65536)
        mallopt(m_trim_threshold, 128 * 1024)
        malloc_trim(0)


def format_report(medians: Dict[str, float], reference: str) -> str:
    """One line per contender: median time and its ratio to ``reference``."""
    return '\n'.join(f'{name:<40s} {t * 1000:9.1f} ms   {t / medians[reference]:5.2f}x {reference}'
                     for name, t in medians.items())


def count_flops(fn: Callable[[], object]) -> int:
    """Floating-point operations of one call of ``fn`` (``FlopCounterMode``: matrix products,
    convolutions and attention, a multiply-add counting 2; element-wise operations are not counted)."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


def peak_cuda_memory(fn: Callable[[], object]) -> Optional[int]:
    """Bytes of CUDA memory allocated at the peak of one call of ``fn``; None (and no call) without CUDA."""
    if not (torch.cuda.is_available() and torch.cuda.is_initialized()):
        return None
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    fn()
    torch.cuda.synchronize()
    return torch.cuda.max_memory_allocated()


def peak_tflops(device: str, dtype: str) -> Optional[float]:
    """Data-sheet peak TFLOP/s of ``device`` for ``dtype`` ('float32', 'tf32', 'bfloat16'); None if unknown."""
    if not str(device).startswith('cuda'):
        return None
    name = torch.cuda.get_device_name(torch.device(device))
    return next((peaks[dtype] for key, peaks in PEAK_TFLOPS if key in name), None)
