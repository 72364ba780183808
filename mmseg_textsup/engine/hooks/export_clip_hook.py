import os.path as osp
from functools import partial
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS

from ...models.clip import clip_state_dict_of
from ...utils import save_atomically


@HOOKS.register_module()
class ExportCLIPHook(Hook):
    """Write the trained image and text towers as a plain open_clip ``CLIP`` state dict.

    The file loads with ``pretrained=<path>`` in every CLIP wrapper of this package and
    with ``open_clip.create_model(name, pretrained=<path>)``. Written at the end of
    training (and at every checkpoint when ``every_checkpoint``), atomically.

    Args:
        filename (str): file name inside the work dir. Defaults to ``'clip.pth'``.
        every_checkpoint (bool): also export whenever a checkpoint is saved. Defaults to False.
    """

    priority = 'LOW'

    def __init__(self, filename: str = 'clip.pth', every_checkpoint: bool = False):
        self.filename = filename
        self.every_checkpoint = every_checkpoint

    def _export(self, runner, path: Optional[str] = None) -> None:
        if runner.rank != 0:
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        path = path or osp.join(runner.work_dir, self.filename)
        save_atomically(path, partial(torch.save, clip_state_dict_of(model)))
        runner.logger.info(f'exported open_clip weights to {path}')

    def after_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.every_checkpoint:
            self._export(runner)

    def after_train(self, runner) -> None:
        self._export(runner)
