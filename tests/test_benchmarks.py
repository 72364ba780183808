"""The GPU-figure and step-ratio benchmarks run end to end (tiny towers, CPU) and print their headline last."""
import runpy
import sys

import pytest
import torch
from conftest import REPO_ROOT
from helpers import TINY

from mmseg_textsup.utils.benchmark import count_flops


@pytest.mark.slow
@pytest.mark.parametrize('script, args, headline', [
    ('maskclip_throughput.py', ['--model', TINY, '--size', '32', '--repeats', '1'], 'best bf16'),
    ('clip_es_voc_estimate.py', ['--model', TINY, '--images', '2', '--crf-workers', '0'],
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
