"""The GPU-figure and step-ratio benchmarks run end to end (tiny towers, CPU) and print their headline last."""
import os.path as osp
import runpy
import subprocess
import sys

import pytest
import torch
from conftest import REPO_ROOT
from helpers import TINY

BENCHMARKS = osp.join(REPO_ROOT, 'tools', 'benchmark')
sys.path.insert(0, BENCHMARKS)  # the scripts import their helpers as `benchmark_utils`, as run from there
from benchmark_utils import count_flops  # noqa: E402


@pytest.mark.slow
@pytest.mark.parametrize('script, args, headline', [
    ('maskclip_throughput.py', ['--model', TINY, '--size', '32', '--repeats', '1'], 'best bf16'),
    ('clip_es_voc_estimate.py', ['--model', TINY, '--images', '1', '--crf-workers', '0'],
     'projected for 10582 VOC train_aug images'),
    ('maskclip_dense.py', ['--model', TINY, '--size', '64', '--repeats', '1'], 'dense / encode_image'),
    ('clip_es_cam.py', ['--model', TINY, '--height', '48', '--width', '64', '--repeats', '1'],
     'CAM + CAA / (forward + backward)'),
    ('loda_step.py', ['--model', TINY, '--batch', '2', '--size', '64', '--repeats', '1'], 'LoDA step / CLIP step'),
    ('segclip_step.py', ['--model', TINY, '--group-after', '1', '--batch', '2', '--size', '64', '--repeats', '1'],
     'SegCLIP step (all losses) / CLIP step'),
])
def test_benchmark_prints_its_figure_last(script, args, headline, monkeypatch, capsys):
    monkeypatch.chdir(REPO_ROOT)
    monkeypatch.setattr(sys, 'argv', [script, *args])
    runpy.run_path(f'{REPO_ROOT}/tools/benchmark/{script}', run_name='__main__')
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith(headline), lines
    assert 'nan' not in lines[-1] and ' 0.0 images/s' not in lines[-1]


def test_count_flops_counts_a_multiply_add_as_two():
    layer, x = torch.nn.Linear(8, 4, bias=False), torch.randn(3, 8)
    assert count_flops(lambda: layer(x)) == 2 * 3 * 8 * 4
    assert count_flops(lambda: torch.relu(x)) == 0  # element-wise operations are not counted


REUSE_PROBE = """
import resource, sys, torch
sys.path.insert(0, BENCHMARKS_DIR)
from benchmark_utils import reused_cpu_memory

def faults(num_bytes):  # minor page faults of allocating and filling num_bytes, after doing so once before
    torch.empty(num_bytes, dtype=torch.uint8).fill_(1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    torch.empty(num_bytes, dtype=torch.uint8).fill_(1)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

size = 64 * 2**20  # above glibc's largest mmap threshold (32 MiB): mapped and unmapped by default
default = faults(size)
with reused_cpu_memory() as active:  # glibc may place the first blocks apart: up to 3 rounds measured
    reused = min(faults(size) for _ in range(4))  # before the freed block is the next one handed out
print(active, size // 4096, default, reused, faults(size))
"""


@pytest.mark.slow
def test_reused_cpu_memory_keeps_freed_blocks_for_the_next_allocation():
    """In a fresh process's main thread, as the benchmarks run their steps (glibc's thread arenas,
    where pytest-xdist runs tests, unmap large blocks whatever the setting)."""
    probe = REUSE_PROBE.replace('BENCHMARKS_DIR', repr(BENCHMARKS))
    out = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True, check=True).stdout
    active, pages, default, reused, after = out.split()[-5:]
    if active != 'True':
        pytest.skip('glibc is not the C library here')
    pages, default, reused, after = int(pages), int(default), int(reused), int(after)
    assert default > pages // 2  # each page faulted in again
    assert reused < pages // 20
    assert after > pages // 2  # the defaults are back
