from typing import Optional

from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from ..clip import load_timm_weights


@MODELS.register_module()
class TimmViTTokens(BaseModule):
    """A timm ViT returning its last layer's patch tokens as a map (B, C, h, w).

    Used as S-Seg's frozen self-supervised ViT (``'vit_small_patch8_224.dino'``). Any input
    size works (``dynamic_img_size``).

    Args:
        model_name (str): timm model name. Defaults to ``'vit_small_patch8_224.dino'``.
        pretrained (str, optional): a local checkpoint (the official DINO ``.pth`` or a timm
            state dict; converted by timm's checkpoint filter), or ``'timm'`` to download
            timm's weights for ``model_name``. Loaded in ``init_weights``. Defaults to None.
        init_cfg (dict, optional): MMEngine init config.
    """

    def __init__(self, model_name: str = 'vit_small_patch8_224.dino', pretrained: Optional[str] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        import timm
        self.model_name = model_name
        self.pretrained = pretrained
        self.vit = timm.create_model(model_name, pretrained=False, num_classes=0, dynamic_img_size=True)

    def init_weights(self):
        super().init_weights()
        if self.pretrained is not None:
            load_timm_weights(self.vit, self.model_name, self.pretrained)

    def forward(self, x: Tensor) -> Tensor:
        tokens = self.vit.forward_features(x)[:, self.vit.num_prefix_tokens:]
        ph, pw = self.vit.patch_embed.patch_size
        h, w = x.shape[2] // ph, x.shape[3] // pw
        return tokens.transpose(1, 2).reshape(x.shape[0], -1, h, w)
