import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class SegCLIPZeroShot(nn.Module):
    """SegCLIP zero-shot segmentation as the official ``ViTSegInference.encode_decode``
    (``seg_segmentation/evaluation/vit_seg.py``, GroupViT's read-out; sec. 2.5).

    For each image (a window of the sliding inference): the soft assignment (N, L) is
    resized bilinearly to the input and every pixel takes its most likely region (one-hot);
    the regions' and the image's cosines with the class embeddings are scaled by the logit
    scale (at most 100); the region-class affinity is the softmax over the image's five most
    likely classes (by the image embedding's softmax), times the softmax over all classes; a
    pixel's class scores are its region's affinities. With a background threshold t
    (``model.bg_threshold``), the background channel ``model.bg_index`` is 1 where a pixel's best
    score is below ``min(t, the image's highest affinity)`` and 0 elsewhere.

    Args:
        top_k (int): classes kept by the image-level filter. Defaults to 5.
    """

    def __init__(self, top_k: int = 5):
        super().__init__()
        self.top_k = top_k

    @torch.no_grad()
    def forward(self, model, inputs: Tensor) -> Tensor:
        encoder = model.backbone
        out = encoder.forward_features(inputs, ('global', 'regions', 'probs'))
        B, N, L = out['probs'].shape
        p = encoder.patch_size
        soft = out['probs'].transpose(1, 2).reshape(B, L, inputs.shape[2] // p, inputs.shape[3] // p)
        soft = F.interpolate(soft, size=inputs.shape[2:], mode='bilinear', align_corners=False)
        pixels = F.one_hot(soft.argmax(dim=1), L).to(soft.dtype)  # B, H, W, L
        scale = model.logit_scale().clamp(max=100)
        affinity = scale * model.text_encoder(out['regions'].transpose(1, 2)).transpose(1, 2)  # B, L, T
        image = (scale * model.text_encoder(out['global'][:, :, None])[..., 0]).softmax(dim=-1)  # B, T
        top = image.topk(min(self.top_k, image.shape[-1]), dim=-1).indices
        kept = torch.zeros_like(image, dtype=torch.bool).scatter_(1, top, True)
        affinity = affinity.masked_fill(~kept[:, None], float('-inf')).softmax(dim=-1) * affinity.softmax(dim=-1)
        scores = torch.einsum('bhwl,blt->bthw', pixels, affinity)
        if model.bg_threshold is None:
            return scores
        threshold = affinity.flatten(1).amax(dim=1).clamp(max=model.bg_threshold)
        background = (scores.amax(dim=1, keepdim=True) < threshold[:, None, None, None]).to(scores.dtype)
        i = model.bg_index
        return torch.cat([scores[:, :i], background, scores[:, i:]], dim=1)
