from typing import Literal, Optional, Sequence

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from ..backbones.dense_modes import qkv
from ..backbones.open_clip_vision import OpenCLIPVision

CLIP_MEAN, CLIP_STD = (0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711)
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
#: DINO ViT-B/8 as ``torch.hub`` loads it in the official code (its own position resizing).
DINO_VIT_B8 = dict(type='TimmViTTokens', model_name='vit_base_patch8_224.dino', pos_embed_by_scale_factor=True)


def init_naming_the_vfm_file(init_weights, vfm) -> None:
    """Run a tower's ``init_weights`` (MMEngine initialises the children, so its foundation model's
    weights load there too); a missing foundation-model file gets the config key to set."""
    try:
        init_weights()
    except FileNotFoundError as e:
        path = getattr(vfm, 'pretrained', None)
        if not path or str(path) not in str(e):
            raise
        raise FileNotFoundError(f"{e}. Set model.backbone.vfm.pretrained to the foundation model's local weight file "
                                "(DINO's: dino_vitbase8_pretrain.pth from github.com/facebookresearch/dino) or to "
                                "'timm' to download timm's copy.") from e


def proxy_attention(similarity: Tensor, beta: float = 1.2, gamma: float = 3.0, batch_mean: bool = False) -> Tensor:
    """ProxyCLIP's attention weights from a foundation model's patch cosine similarities
    (B, M, M): ``(S - beta * mean(S)) * gamma``, negative entries -inf, softmax over the keys.

    The official function takes the mean over its whole batch. ProxyCLIP's evaluation loop passes
    one crop per call, so each crop's own mean (``batch_mean=False``) is what produced its
    numbers, and ours keeps that when the windows of an image go through in one batch;
    Trident passes all windows of an image in one batch, so its mean is over them all
    (``batch_mean=True``).
    """
    mean = similarity.mean() if batch_mean else similarity.mean(dim=(1, 2), keepdim=True)
    s = (similarity - mean * beta) * gamma
    return s.masked_fill(s < 0, float('-inf')).softmax(dim=-1)


@MODELS.register_module()
class ProxyCLIPVision(OpenCLIPVision):
    """ProxyCLIP's dense read-out (https://arxiv.org/abs/2408.04883, github.com/mc-lan/ProxyCLIP):
    CLIP's last attention is replaced by the patch similarity of a vision foundation model
    (VFM; DINO ViT-B/8 by default).

    The VFM sees the image re-normalised to its own statistics and gives patch tokens on its
    grid (h', w'); their cosine similarities pass :func:`proxy_attention`; the values of CLIP's
    last block (of ``ln_1`` of its input), bilinearly resized from CLIP's grid to the VFM's,
    are averaged with these weights and go through the block's output projection (no residual,
    no FFN), ``ln_post`` and the projection. ``dense`` is on the VFM's grid.

    Args:
        model_name (str): open_clip ViT architecture.
        pretrained (str, optional): open_clip tag or local checkpoint. Defaults to None.
        vfm (dict): the foundation model: a backbone returning a (B, C, h', w') map or a dict
            with ``'dense'`` (:class:`TimmViTTokens` for DINO; weights in its ``init_weights``).
            Defaults to ``TimmViTTokens('vit_base_patch8_224.dino', pos_embed_by_scale_factor=True)``
            (DINO's own position resizing, as the official code's ``torch.hub`` DINO).
        beta (float): shift of the similarities. Defaults to 1.2.
        gamma (float): scale of the similarities. Defaults to 3.0.
        vfm_mean (Sequence[float], optional): the VFM's input mean (0-1 range); None: the
            input as CLIP gets it. Defaults to ImageNet's.
        vfm_std (Sequence[float], optional): as ``vfm_mean``. Defaults to ImageNet's.
        clip_mean (Sequence[float]): the statistics the input is normalised with. Defaults to
            CLIP's.
        clip_std (Sequence[float]): as ``clip_mean``. Defaults to CLIP's.
        similarity_mean (str): ``'image'``: each image of a batch shifts its similarities by its
            own mean (ProxyCLIP); ``'batch'``: by the mean over the whole batch (Trident, whose
            batch is the windows of one image). See :func:`proxy_attention`. Defaults to
            ``'image'``.
        **kwargs: :class:`OpenCLIPVision` arguments.
    """

    dense_only = True

    def __init__(self,
                 model_name: str,
                 pretrained: Optional[str] = None,
                 vfm: dict = DINO_VIT_B8,
                 beta: float = 1.2,
                 gamma: float = 3.0,
                 vfm_mean: Optional[Sequence[float]] = IMAGENET_MEAN,
                 vfm_std: Optional[Sequence[float]] = IMAGENET_STD,
                 clip_mean: Sequence[float] = CLIP_MEAN,
                 clip_std: Sequence[float] = CLIP_STD,
                 similarity_mean: Literal['image', 'batch'] = 'image',
                 **kwargs):
        super().__init__(model_name, pretrained, **kwargs)
        if not self.is_vit:
            raise ValueError(f'ProxyCLIP needs a ViT tower; {model_name} is not one.')
        self.vfm = MODELS.build(vfm)
        self.vfm.requires_grad_(False)
        if similarity_mean not in ('image', 'batch'):
            raise ValueError(f"similarity_mean must be 'image' or 'batch', got {similarity_mean!r}")
        self.beta, self.gamma, self.similarity_mean = beta, gamma, similarity_mean
        renorm = vfm_mean is not None
        self.register_buffer('_scale', torch.tensor(clip_std) / torch.tensor(vfm_std) if renorm else torch.ones(3),
                             persistent=False)
        self.register_buffer('_shift', (torch.tensor(clip_mean) - torch.tensor(vfm_mean)) /
                             torch.tensor(vfm_std) if renorm else torch.zeros(3), persistent=False)

    def init_weights(self):
        init_naming_the_vfm_file(super().init_weights, self.vfm)

    def vfm_tokens(self, x: Tensor) -> Tensor:
        """The VFM's patch tokens (B, C, h', w') of CLIP-normalised images."""
        out = self.vfm(x * self._scale[:, None, None] + self._shift[:, None, None])
        return out['dense'] if isinstance(out, dict) else out

    def proxy_values(self, x: Tensor) -> Tensor:
        """The output (B, C, h', w') of the replaced last attention on the VFM's grid, before
        ``ln_post`` and the projection."""
        feats = self.vfm_tokens(x)
        B, _, H, W = feats.shape
        tokens, (gh, gw) = self.embed(x)
        x_in = self.run_blocks(tokens, 0, self.num_blocks - 1)[0]
        block = self.blocks[-1]
        v = qkv(block, x_in)[2][:, 1:].transpose(1, 2).reshape(B, -1, gh, gw)  # patches' values
        v = F.interpolate(v, size=(H, W), mode='bilinear', align_corners=False).flatten(2).transpose(1, 2)
        f = F.normalize(feats.flatten(2), dim=1)
        weights = proxy_attention(f.transpose(1, 2) @ f, self.beta, self.gamma,
                                  self.similarity_mean == 'batch')  # B, HW, HW, one for every head
        return block.attn.out_proj(weights @ v).transpose(1, 2).reshape(B, -1, H, W)

    def dense_features(self, x: Tensor) -> Tensor:
        """The dense features (B, D, h', w') on the VFM's grid."""
        out = self.proxy_values(x)
        B, _, H, W = out.shape
        return self.head(out.flatten(2).transpose(1, 2)).transpose(1, 2).reshape(B, -1, H, W)
