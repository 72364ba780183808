"""Training killed with SIGKILL resumes from its last checkpoint to the same final weights as an
uninterrupted run of the same seed (CPU, deterministic), and two processes train to those weights."""
import os
import os.path as osp
import signal
import subprocess
import sys

import pytest
import torch
from conftest import REPO_ROOT
from helpers import TOY_PRETRAIN, run_tool, tiny_pretrain_options

pytestmark = pytest.mark.slow  # every test here starts subprocesses

ENV = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=osp.dirname(osp.abspath(__file__)))  # finds kill_hook


def _config(tmp_path, kill_at=None):
    """The tiny toy-CLIP pre-training without random augmentation (flips would be drawn afresh
    after a restart), single-process data loading, deterministic mode; ``kill_at``: the run
    SIGKILLs itself right after that iteration's checkpoint."""
    options = tiny_pretrain_options(max_iters=8, checkpoint_interval=2, batch_size=8)
    hooks = (f"[dict(type='SigkillAfterIterHook', at_iter={kill_at})]" if kill_at else
             "[dict(type='ExportCLIPHook', filename='toy_clip.pth')]")
    lines = [f"_base_ = [{TOY_PRETRAIN!r}]", "randomness = dict(seed=0, deterministic=True)",
             "custom_imports = dict(imports=['mmseg_textsup', 'kill_hook'], allow_failed_imports=False)",
             "train_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False, dataset=dict(pipeline=["
             "dict(type='LoadToySample', with_seg=False), dict(type='TokenizeCaption', model_name='TextSup-Toy-ViT'),"
             "dict(type='PackImageTextInputs')]))", f'custom_hooks = {hooks}']
    path = tmp_path / f'kill_resume_{kill_at}.py'
    path.write_text('\n'.join(lines) + '\n')
    return str(path), [f'{k}={v}' for k, v in options.items() if not k.startswith('train_dataloader.')]


def _train(config, options, work_dir, resume=False):
    cmd = [sys.executable, 'tools/train.py', config, '--work-dir', work_dir, *(['--resume'] if resume else []),
           '--cfg-options', *options]
    return subprocess.Popen(cmd, cwd=REPO_ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _train_here(config, options, work_dir, resume=False):
    """The same command line in this process (``run_tool``: one torch thread, as the subprocesses)."""
    run_tool('tools/train.py', [config, '--work-dir', work_dir, *(['--resume'] if resume else []), '--cfg-options',
                                *options], work_dir)


def test_sigkill_resume_and_dist_train_give_the_uninterrupted_single_process_weights(tmp_path):
    """One uninterrupted single-process run is the reference of both:

    - a run SIGKILLed right after iteration 4's checkpoint (a truncated iteration-6 file left beside
      it, as a kill during the next save would) resumes to the same final weights, bit for bit;
    - ``tools/dist_train.sh CONFIG 2`` with the same global batch (2 x 4 vs 8, negatives gathered) and
      the same samples per step agrees to float rounding, with the same validation mIoU (a distributed
      resume: ``tests/test_tools.py``, MaskCLIP+)."""
    import re
    config, options = _config(tmp_path)
    full, killed, dist = str(tmp_path / 'full'), str(tmp_path / 'killed'), str(tmp_path / 'dist')
    _train_here(config, options, full)
    kill_config, _ = _config(tmp_path, kill_at=4)
    proc = _train(kill_config, options, killed)
    proc.wait(timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()[-3000:]
    assert osp.isfile(osp.join(killed, 'iter_4.pth')) and not osp.isfile(osp.join(killed, 'iter_6.pth'))
    # a kill during the next save would leave a truncated file that last_checkpoint does not point to
    pointer = open(osp.join(killed, 'last_checkpoint')).read().strip()
    assert pointer.endswith('iter_4.pth')
    with open(pointer, 'rb') as f:
        good = f.read()
    with open(osp.join(killed, 'iter_6.pth'), 'wb') as f:
        f.write(good[:len(good) // 2])
    _train_here(config, options, killed, resume=True)
    a = torch.load(osp.join(full, 'iter_8.pth'), map_location='cpu')['state_dict']
    b = torch.load(osp.join(killed, 'iter_8.pth'), map_location='cpu')['state_dict']
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key

    env = dict(ENV, PYTHON=sys.executable, PORT=str(29700 + os.getpid() % 200))
    run = subprocess.run(['bash', 'tools/dist_train.sh', config, '2', '--work-dir', dist, '--cfg-options', *options,
                          'train_dataloader.batch_size=4'], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert osp.isfile(osp.join(dist, 'toy_clip.pth'))  # exported by rank 0
    b = torch.load(osp.join(dist, 'iter_8.pth'), map_location='cpu')['state_dict']
    for key in a:
        torch.testing.assert_close(a[key], b[key], atol=1e-4, rtol=1e-4, msg=key)

    def miou(work_dir):
        logs = [os.path.join(root, f) for root, _, files in os.walk(work_dir) for f in files if f.endswith('.log')]
        return re.findall(r'mIoU: ([\d.]+)', open(logs[0]).read())[-1]

    assert miou(full) == miou(dist)
