from typing import Dict, List, Sequence

from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class FeatureSelector(BaseModule):
    """Pick named outputs of a dict-returning backbone as the list mmseg heads expect.

    :class:`OpenCLIPVision` returns a dict (``'dense'``, ``'keys'``, ...); ordinary mmseg
    decode heads (``FCNHead``, ``ASPPHead``, ...) take a list of NCHW tensors and an
    ``in_index``. This neck bridges the two.

    Args:
        keys (Sequence[str]): names to return, in order. Defaults to ``('dense',)``.
    """

    def __init__(self, keys: Sequence[str] = ('dense', ), init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.keys = tuple(keys)

    def forward(self, inputs: Dict[str, Tensor]) -> List[Tensor]:
        missing = [k for k in self.keys if k not in inputs]
        if missing:
            raise KeyError(f'FeatureSelector: backbone outputs {sorted(inputs)} lack {missing}')
        return [inputs[k] for k in self.keys]
