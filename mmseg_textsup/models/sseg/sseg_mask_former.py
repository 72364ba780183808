from typing import Dict, Optional, Sequence

from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor
from torchvision.ops import MLP


@MODELS.register_module()
class SSegMaskFormer(BaseModule):
    """S-Seg's image tower: a backbone (Swin-S from mmseg) and :class:`SSegMaskFormerHead`,
    plus the 2-layer MLP that projects mask features into the image-text space.

    ``forward_features`` returns any of ``masks`` (B, N, H/4, W/4) mask logits, ``aux_masks``
    (those of the earlier decoder layers, in training),
    ``mask_embeddings`` (B, N, D) = MLP(mask feature) per mask, and ``global`` (B, D), the
    image embedding of the contrastive loss: MLP(mean of the N mask features) (the paper's
    order, ``pool='mean_then_project'``) or the mean of the N mask embeddings
    (``'project_then_mean'``: the image-text similarity is then the mean of the masks'
    similarities before normalisation, the same space the masks are classified in).

    Args:
        backbone (dict): mmseg backbone returning a list of levels (e.g. ``SwinTransformer``).
        head (dict): :class:`SSegMaskFormerHead` (``in_channels`` of the backbone levels).
        embed_dim (int): size of the image-text space. Defaults to 256.
        pool (str): ``'mean_then_project'`` or ``'project_then_mean'``.
            Defaults to 'mean_then_project'.
        init_cfg (dict, optional): MMEngine init config.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 embed_dim: int = 256,
                 pool: str = 'mean_then_project',
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if pool not in ('mean_then_project', 'project_then_mean'):
            raise ValueError(f"pool must be 'mean_then_project' or 'project_then_mean', got {pool!r}")
        self.pool = pool
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head)
        self.projection = MLP(self.head.channels, [self.head.channels, embed_dim])  # Linear, ReLU, Linear

    def forward_features(self, x: Tensor, outputs: Sequence[str] = ('global', )) -> Dict[str, Tensor]:
        out = self.head(self.backbone(x))
        result = {}
        for key in ('masks', 'aux_masks'):
            if key in outputs:
                result[key] = out[key]
        queries = out['queries']
        if 'mask_embeddings' in outputs or self.pool == 'project_then_mean':
            result['mask_embeddings'] = self.projection(queries)
        if 'global' in outputs:
            result['global'] = (result['mask_embeddings'].mean(dim=1)
                                if self.pool == 'project_then_mean' else self.projection(queries.mean(dim=1)))
        return result

    def forward(self, x: Tensor) -> Dict[str, Tensor]:
        return self.forward_features(x, ('masks', 'mask_embeddings', 'global'))
