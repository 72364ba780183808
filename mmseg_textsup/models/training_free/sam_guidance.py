from typing import Callable, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.logging import print_log
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from ...engine.runner.checkpoint_fit import read_state_dict

#: The image encoders of segment-anything's ``build_sam_vit_b / _l / _h`` (width, depth, heads, the
#: blocks with global attention), and where their official weights are published.
SAM_ARCHS = {
    'vit_b': dict(embed_dim=768, depth=12, num_heads=12, global_attn_indexes=(2, 5, 8, 11)),
    'vit_l': dict(embed_dim=1024, depth=24, num_heads=16, global_attn_indexes=(5, 11, 17, 23)),
    'vit_h': dict(embed_dim=1280, depth=32, num_heads=16, global_attn_indexes=(7, 15, 23, 31)),
}
SAM_URLS = {
    'vit_b': 'https://dl.fbaipublicfiles.com/segment_anything/sam_vit_b_01ec64.pth',
    'vit_l': 'https://dl.fbaipublicfiles.com/segment_anything/sam_vit_l_0b3195.pth',
    'vit_h': 'https://dl.fbaipublicfiles.com/segment_anything/sam_vit_h_4b8939.pth',
}


def guidance_weights(head_attention: Callable[[int], Tensor], values: Tensor, cos_fac: float,
                     refine_neg_cos: bool = True) -> Tensor:
    """Trident's aggregation weights (N, N) from the last global attention of a model (SAM's).

    Each head's attention is kept where the cosine of its two tokens' values exceeds a
    threshold per query: ``cos_fac`` times the query's mean cosine (over heads and keys), at
    most 0.9, and 0.6 where it is negative unless ``refine_neg_cos``; the kept attention is
    summed over the heads and each row normalised to sum 1. Heads go one at a time (the
    official code holds all of them at once: 12 x 4096^2 values for SAM ViT-B).

    Args:
        head_attention (Callable): head index -> that head's attention (N, N); called once per
            head, in order.
        values (Tensor): the values (heads, N, c) of the same attention.
        cos_fac (float): the threshold's factor (Trident's ``cos_fac``).
        refine_neg_cos (bool): keep negative thresholds (Trident's ``refine_neg_cos``).
    """
    u = F.normalize(values, dim=-1)
    threshold = cos_fac * (u @ u.mean(dim=1, keepdim=True).transpose(1, 2)).mean(dim=0)  # N, 1
    if not refine_neg_cos:
        threshold = torch.where(threshold < 0, torch.full_like(threshold, 0.6), threshold)
    threshold = threshold.clamp(max=0.9)
    kept = 0
    for h in range(values.shape[0]):
        kept = kept + torch.where(u[h] @ u[h].T > threshold, head_attention(h), 0)
    return kept / kept.sum(dim=-1, keepdim=True)


@MODELS.register_module()
class SAMGuidance(BaseModule):
    """SAM (the ``segment-anything`` package) as Trident's guide (github.com/YuHengsss/Trident): the
    attention and values of its image encoder's last (global) block give the weights that
    aggregate CLIP's features over the whole image (:func:`guidance_weights`), and its prompt
    encoder and mask decoder refine the labels (:func:`~.sam_refinement.sam_refinement`).

    The image goes through ``SamPredictor.set_image`` (the longer side resized to 1024, SAM's
    pixel statistics, zero padding to 1024 x 1024), which also keeps the image embedding for the
    refinement; the weights cover the patches of the image, not the padding (the attention is
    SAM's, its softmax over the padding included, as Trident slices it).

    Args:
        model_type (str): ``'vit_b'``, ``'vit_l'`` or ``'vit_h'`` (:data:`SAM_ARCHS`). Defaults
            to ``'vit_b'``.
        pretrained (str, optional): a local SAM checkpoint (``sam_vit_b_01ec64.pth`` of
            :data:`SAM_URLS`), loaded in ``init_weights``. Defaults to None.
        encoder_kwargs (dict, optional): image encoder overrides of ``embed_dim``, ``depth``,
            ``num_heads``, ``global_attn_indexes`` (the tiny SAM of the tests). Defaults to None.
        init_cfg (dict, optional): MMEngine init config.
    """

    def __init__(self, model_type: str = 'vit_b', pretrained: Optional[str] = None,
                 encoder_kwargs: Optional[dict] = None, init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        from segment_anything import SamPredictor
        from segment_anything.build_sam import _build_sam
        if model_type not in SAM_ARCHS:
            raise ValueError(f'model_type must be one of {sorted(SAM_ARCHS)}, got {model_type!r}')
        arch = dict(SAM_ARCHS[model_type], **(encoder_kwargs or {}))
        if arch['depth'] - 1 not in arch['global_attn_indexes']:
            raise ValueError("SAM's last block must attend globally: global_attn_indexes "
                             f"{arch['global_attn_indexes']} lack block {arch['depth'] - 1}")
        self.sam = _build_sam(arch['embed_dim'], arch['depth'], arch['num_heads'], list(arch['global_attn_indexes']))
        self.sam.requires_grad_(False)
        self.predictor = SamPredictor(self.sam)
        self.model_type, self.pretrained = model_type, pretrained

    def init_weights(self):
        super().init_weights()
        if self.pretrained is None:
            return
        try:
            state = read_state_dict(self.pretrained)
        except FileNotFoundError as e:
            raise FileNotFoundError(
                f"{e}. Set model.sam.pretrained to SAM's local weight file ({SAM_URLS[self.model_type]}).") from e
        self.sam.load_state_dict(state)
        print_log(f'loaded SAM {self.model_type} from {self.pretrained}', logger='current')

    @torch.no_grad()
    def forward(self, image: np.ndarray, cos_fac: float, refine_neg_cos: bool = True) -> Tuple[Tensor, Tuple[int, int]]:
        """Trident's aggregation weights (n, n) over the n = h * w patches of ``image`` (RGB
        uint8, H x W x 3), and their grid (h, w); the predictor keeps the image's embedding.

        The last block's attention runs head by head (SAM's own computes the attention of all
        heads at once, 12 x 4096^2 values for ViT-B), each head's attention serving the block's
        output and the weights."""
        from segment_anything.modeling.image_encoder import add_decomposed_rel_pos
        attn = self.sam.image_encoder.blocks[-1].attn
        size, p = self.sam.image_encoder.img_size, self.sam.image_encoder.patch_embed.proj.stride[0]
        vh, vw = (s // p for s in self.predictor.transform.get_preprocess_shape(*image.shape[:2], size))
        result = []

        def attention(x: Tensor) -> Tensor:  # segment_anything's Attention.forward, head by head
            _, H, W, _ = x.shape
            q, k, v = attn.qkv(x).reshape(H * W, 3, attn.num_heads, -1).permute(1, 2, 0, 3)
            out = []

            def head_attention(h: int) -> Tensor:
                a = add_decomposed_rel_pos(((q[h] * attn.scale) @ k[h].T)[None], q[h][None], attn.rel_pos_h,
                                           attn.rel_pos_w, (H, W), (H, W))[0].softmax(dim=-1)
                out.append(a @ v[h])
                return a.view(H, W, H, W)[:vh, :vw, :vh, :vw].reshape(vh * vw, vh * vw)

            values = v.reshape(-1, H, W, v.shape[-1])[:, :vh, :vw].flatten(1, 2)
            result.append(guidance_weights(head_attention, values, cos_fac, refine_neg_cos))
            return attn.proj(torch.stack(out).view(attn.num_heads, H, W, -1).permute(1, 2, 0, 3).reshape(1, H, W, -1))

        attn.forward = attention
        try:
            self.predictor.set_image(image)
        finally:
            del attn.forward  # the class's forward again
        return result[0], (vh, vw)
