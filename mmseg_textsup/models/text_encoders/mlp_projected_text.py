from typing import Dict, Optional

from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from ..utils.mlp import mlp


@MODELS.register_module()
class MLPProjectedText(BaseModule):
    """A text tower followed by a 2-layer MLP into the image-text space (S-Seg).

    Args:
        text_encoder (dict): e.g. ``OpenCLIPText`` on ``'TextSup-SSeg-Text'`` (12 layers,
            width 256, context 77, CLIP BPE), trained from scratch.
        in_dim (int): output size of the tower. Defaults to 256.
        embed_dim (int): size of the image-text space. Defaults to 256.
        init_cfg (dict, optional): MMEngine init config.
    """

    def __init__(self, text_encoder: dict, in_dim: int = 256, embed_dim: int = 256, init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.text_encoder = MODELS.build(text_encoder)
        self.projection = mlp(in_dim, in_dim, embed_dim, 2)

    def tokenize(self, texts) -> Tensor:
        return self.text_encoder.tokenize(texts)

    def forward(self, tokens: Tensor) -> Dict[str, Tensor]:
        return {'global': self.projection(self.text_encoder(tokens)['global'])}
