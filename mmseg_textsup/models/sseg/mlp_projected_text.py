from typing import Dict, Optional

from mmseg.registry import MODELS
from torch import Tensor
from torchvision.ops import MLP

from ..text_encoders.open_clip_text import OpenCLIPText


@MODELS.register_module()
class MLPProjectedText(OpenCLIPText):
    """S-Seg's text tower: an open_clip text transformer trained from scratch, followed by a
    2-layer MLP (ReLU) into the image-text space (https://arxiv.org/abs/2401.16760, sec. 3.2).

    Args:
        model_name (str): open_clip architecture, e.g. ``'TextSup-SSeg-Text'`` (12 layers,
            width 256, context 77, CLIP BPE).
        embed_dim (int): size of the image-text space. Defaults to 256.
        **kwargs: :class:`OpenCLIPText` arguments.
    """

    def __init__(self, model_name: str, embed_dim: int = 256, init_cfg: Optional[dict] = None, **kwargs):
        super().__init__(model_name, init_cfg=init_cfg, **kwargs)
        width = self.text.output_dim
        self.projection = MLP(width, [width, embed_dim])  # Linear, ReLU, Linear (and dropout 0)

    @property
    def embed_dim(self) -> int:
        return self.projection[-2].out_features

    def forward(self, tokens: Tensor, return_tokens: bool = False) -> Dict[str, Tensor]:
        out = super().forward(tokens, return_tokens)
        out['global'] = self.projection(out['global'])
        return out
