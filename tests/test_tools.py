"""The standard tools run end to end (multi-process runs in subprocesses, as a user runs them; the
single-process runs in the test's process through their command line, ``run_tool``)."""
import os
import os.path as osp
import subprocess
import sys

import mmcv
import pytest
import torch
from conftest import REPO_ROOT
from helpers import TINY, as_cli, run_tool, tiny_maskclip_options

pytestmark = pytest.mark.slow  # every test here runs a tool end to end

ENV = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1')


def _free_port() -> str:
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return str(s.getsockname()[1])


def _run(args, timeout=300):
    env = dict(ENV, PORT=_free_port())  # distributed launches never collide with another job's port
    proc = subprocess.run(args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    return proc.stdout + proc.stderr


def test_demo_writes_overlay_of_a_photograph(tmp_path):
    import skimage.data
    image = str(tmp_path / 'chelsea.png')
    mmcv.imwrite(skimage.data.chelsea()[..., ::-1], image)
    out = str(tmp_path / 'overlay.png')
    log = run_tool('tools/demo.py', [image, '--texts', 'cat/kitty, grass, sky', '--model', TINY, '--pretrained', 'none',
                                     '--out', out], tmp_path)
    assert 'wrote' in log
    overlay, (h, w) = mmcv.imread(out), skimage.data.chelsea().shape[:2]
    assert overlay.shape[0] > h and overlay.shape[1] >= w  # the image above its legend


def test_demo_names_missing_image(tmp_path):
    with pytest.raises(SystemExit, match='Image not found: .*nope.jpg'):  # exit status 1, the message on stderr
        run_tool('tools/demo.py', [tmp_path / 'nope.jpg', '--texts', 'cat'], tmp_path)


def _tiny_maskclip_options(tmp_path):
    """A random tiny CLIP saved to a file, and the --cfg-options that put it into configs/maskclip/toy.py."""
    clip_path, options = tiny_maskclip_options(tmp_path)
    return clip_path, as_cli(options)


def test_test_tool_loads_pretrained_towers_of_training_free_configs(tmp_path):
    clip_path, options = _tiny_maskclip_options(tmp_path)
    log = run_tool('tools/test.py', ['configs/maskclip/toy.py', 'none', '--work-dir', tmp_path / 'wd',
                                     '--cfg-options', *options], tmp_path / 'wd')
    assert f'loaded the visual tower of {TINY} from {clip_path}' in log
    assert f'loaded the text tower of {TINY} from {clip_path}' in log
    assert 'mIoU' in log


def test_test_tool_runs_a_corruption_pipeline(tmp_path):
    clip_path, options = _tiny_maskclip_options(tmp_path)
    options += ['test_dataloader.dataset.pipeline.1.name=gaussian_blur', 'test_dataloader.dataset.pipeline.1.level=5']
    log = run_tool('tools/test.py', ['configs/maskclip/toy_corrupt.py', 'none', '--work-dir', tmp_path / 'wd',
                                     '--cfg-options', *options], tmp_path / 'wd')
    assert "type='Corrupt'" in log and "name='gaussian_blur'" in log and 'level=5' in log and 'mIoU' in log


def _tiny_maskclip_plus_options(clip_path, max_iters, start_iter):
    options = {f'{part}.model_name': TINY for part in (
        'model.teacher.backbone', 'model.teacher.decode_head.text_encoder', 'model.classifier.text_encoder')}
    options.update({k.replace('model_name', 'pretrained'): clip_path for k in options})
    options.update({
        'train_cfg.max_iters': max_iters,
        'train_cfg.val_interval': max_iters,
        'param_scheduler.0.end': max_iters,
        'custom_hooks.0.start_iter': start_iter,
        'train_dataloader.batch_size': 4,
        'default_hooks.checkpoint.interval': 2,
        'default_hooks.logger.interval': 1,
    })
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options.update({f'{loader}.num_workers': 0, f'{loader}.persistent_workers': False})
    for loader in ('val_dataloader', 'test_dataloader'):
        options.update({f'{loader}.dataset.num_samples': 8, f'{loader}.batch_size': 4})
    return options


def test_maskclip_plus_dist_train_switches_phase_resumes_and_tests(tmp_path):
    """tools/dist_train.sh configs/maskclip_plus/toy.py 2 on CPU: guided -> self-training at the
    configured iteration, stopped and resumed in the right phase, then tools/test.py."""
    import open_clip
    clip_path = str(tmp_path / 'tiny_clip.pth')
    torch.save(open_clip.create_model(TINY, pretrained=None).state_dict(), clip_path)
    config, work_dir = 'configs/maskclip_plus/toy.py', str(tmp_path / 'mcp')
    options = _tiny_maskclip_plus_options(clip_path, max_iters=4, start_iter=2)
    log = _run(['bash', 'tools/dist_train.sh', config, '2', '--work-dir', work_dir, '--cfg-options',
                *as_cli(options)])
    assert 'MaskCLIP+: iteration 2: self-training' in log and 'iteration 1: self' not in log
    state = torch.load(osp.join(work_dir, 'iter_4.pth'), map_location='cpu')['state_dict']
    assert state and not any(k.startswith('teacher.') for k in state)
    options.update({'train_cfg.max_iters': 6, 'param_scheduler.0.end': 6})
    log = _run(['bash', 'tools/dist_train.sh', config, '2', '--work-dir', work_dir, '--resume', '--cfg-options',
                *as_cli(options)])
    assert 'resumed epoch: 0, iter: 4' in log
    assert 'MaskCLIP+: iteration 4: self-training' in log  # the phase comes back with the iteration
    log = run_tool('tools/test.py', [config, osp.join(work_dir, 'iter_6.pth'), '--work-dir', tmp_path / 'test',
                                     '--cfg-options', *as_cli(options)], tmp_path / 'test')
    assert 'mIoU' in log


def _miou(log):
    import re
    return float(re.findall(r'mIoU: ([\d.]+)', log)[-1])


def test_dist_test_gives_the_single_process_miou(tmp_path):
    """tools/dist_test.sh CONFIG none 2 == tools/test.py CONFIG none on the toy world."""
    _, options = _tiny_maskclip_options(tmp_path)
    options += ['test_dataloader.dataset.num_samples=16', 'test_dataloader.batch_size=4',
                'model.backbone.dense_mode=value']  # later keys win
    single = run_tool('tools/test.py', ['configs/maskclip/toy.py', 'none', '--work-dir', tmp_path / 'single',
                                        '--cfg-options', *options], tmp_path / 'single')
    dist = _run(['bash', 'tools/dist_test.sh', 'configs/maskclip/toy.py', 'none', '2', '--work-dir',
                 str(tmp_path / 'dist'), '--cfg-options', *options])
    assert _miou(single) == _miou(dist) > 0


def test_test_tool_evaluates_a_safetensors_checkpoint_like_the_pth(tmp_path):
    """tools/test.py accepts .safetensors weights and gives the mIoU of the same .pth checkpoint."""
    from mmengine.config import Config
    from mmseg.registry import MODELS
    from safetensors.torch import save_file
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs/toy_clip/supervised.py'))
    cfg.model.backbone.model_name = TINY
    cfg.model.decode_head.in_channels = 32
    model = MODELS.build(cfg.model)
    torch.manual_seed(1)  # weights unlike those the tool builds from the config's seed
    state = {k: (v + torch.randn_like(v) if v.dim() > 1 else v).contiguous()  # weight matrices / kernels
             for k, v in model.state_dict().items()}
    torch.save(dict(state_dict=state, meta={}), tmp_path / 'w.pth')
    save_file(state, str(tmp_path / 'w.safetensors'))
    options = [f'model.backbone.model_name={TINY}', 'model.decode_head.in_channels=32',
               'test_dataloader.dataset.num_samples=8', 'test_dataloader.num_workers=0',
               'test_dataloader.persistent_workers=False']
    logs = [run_tool('tools/test.py', ['configs/toy_clip/supervised.py', tmp_path / f'w.{ext}', '--work-dir',
                                       tmp_path / ext, '--cfg-options', *options], tmp_path / ext)
            for ext in ('pth', 'safetensors')]
    assert _miou(logs[0]) == _miou(logs[1])


def test_test_tool_amp_bf16_and_channels_last_agree_with_fp32(tmp_path):
    import numpy as np
    _, options = _tiny_maskclip_options(tmp_path)
    labels = {}
    for amp in ('fp32', 'bf16'):
        out = tmp_path / amp
        switches = ['--amp', amp, '--channels-last'] if amp != 'fp32' else []
        log = run_tool('tools/test.py', ['configs/maskclip/toy.py', 'none', '--work-dir', tmp_path / amp, '--out', out,
                                         *switches, '--cfg-options', *options], tmp_path / amp)
        assert ('testing under torch.autocast(cpu, bfloat16)' in log) == (amp == 'bf16') and 'mIoU' in log
        assert ('channels_last: 1 4-D weights' in log) == (amp == 'bf16')  # the patch embedding
        labels[amp] = np.stack([mmcv.imread(str(p), 'unchanged') for p in sorted(out.glob('*.png'))])
    assert labels['fp32'].shape[0] == 4
    assert (labels['fp32'] == labels['bf16']).mean() > 0.97  # bf16 rounding flips only near-ties
