"""Checkpoints save and resume on torch >= 2.6 with weights_only loading."""
import pickle

import pytest
import torch
from helpers import tiny_pretrain_cfg
from mmengine.runner import Runner

from mmseg_textsup.utils import SAFE_GLOBALS


@pytest.mark.slow
def test_resume_restores_optimizer_state_and_continues(tmp_path):
    cfg = tiny_pretrain_cfg(tmp_path, max_iters=4, checkpoint_interval=2)
    Runner.from_cfg(cfg).train()
    ckpt2 = torch.load(tmp_path / 'iter_2.pth', map_location='cpu')  # weights_only=True by default
    assert ckpt2['meta']['iter'] == 2

    cfg = tiny_pretrain_cfg(tmp_path / 'resumed', max_iters=4, checkpoint_interval=2)
    cfg.resume = True
    cfg.load_from = str(tmp_path / 'iter_2.pth')
    runner = Runner.from_cfg(cfg)
    runner.load_or_resume()
    assert runner.iter == 2
    restored = runner.optim_wrapper.state_dict()['state']
    for key, value in ckpt2['optimizer']['state'].items():
        for name, tensor in value.items():
            assert torch.equal(restored[key][name], tensor), (key, name)
    runner.train()
    assert runner.iter == 4


def test_a_never_updated_history_buffer_loads(tmp_path):
    from mmengine.logging import HistoryBuffer
    buffer = HistoryBuffer()  # its empty history pickles as bytes()
    torch.save({'message_hub': {'log_scalars': {'val/mIoU': buffer}}}, tmp_path / 'iter_1.pth')
    loaded = torch.load(tmp_path / 'iter_1.pth')['message_hub']['log_scalars']['val/mIoU']
    assert isinstance(loaded, HistoryBuffer) and len(loaded.data[0]) == 0


def test_allow_list_is_narrow(tmp_path):
    assert len(SAFE_GLOBALS) < 20

    class Payload:

        def __reduce__(self):
            return (print, ('pwned', ))

    path = tmp_path / 'evil.pth'
    with open(path, 'wb') as f:
        torch.save({'state_dict': {}, 'x': Payload()}, f)
    with pytest.raises(pickle.UnpicklingError, match='Weights only load failed'):
        torch.load(path)


def test_getattr_in_checkpoints_only_resolves_history_buffer_statistics(tmp_path):
    import numpy as np

    class Sneaky:

        def __reduce__(self):
            return (getattr, (np.ndarray, 'tofile'))

    path = tmp_path / 'sneaky.pth'
    torch.save({'x': Sneaky()}, path)
    with pytest.raises(pickle.UnpicklingError, match='not allowed'):
        torch.load(path)
