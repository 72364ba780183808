from typing import Dict, Tuple

import torch
import torch.nn.functional as F
from skimage import measure
from torch import Tensor
from torchvision.ops import masks_to_boxes

#: Trident finds the regions at half the resolution of the labels.
DOWN_RATIO = 2


def connected_regions(labels: Tensor, probs: Tensor, minimal_area: int,
                      coarse_thresh: float) -> Dict[int, Tuple[Tensor, Tensor, Tensor]]:
    """The connected regions (8-connectivity) of each class's labels, as Trident prompts SAM with them.

    Args:
        labels (Tensor): labels (h, w); the value ``num_classes`` marks uncertain pixels.
        probs (Tensor): class probabilities (num_classes, h, w).
        minimal_area (int): regions of fewer pixels are left out.
        coarse_thresh (float): classes whose best probability is below it are left out.

    Returns:
        dict: class -> (regions (n, h, w) bool, their boxes (n, 4) x1 y1 x2 y2, and the position
        (n, 2) x y of each region's highest probability).
    """
    out = {}
    w = labels.shape[1]
    for c in range(probs.shape[0]):
        if probs[c].max() < coarse_thresh:
            continue
        components = measure.label((labels == c).cpu().numpy(), connectivity=2)
        regions, points = [], []
        for r in range(1, components.max() + 1):
            region = torch.from_numpy(components == r).to(probs.device)
            if region.sum() < minimal_area:
                continue
            best = torch.argmax(probs[c] * region)
            points.append(torch.stack([best % w, best // w]))
            regions.append(region)
        if regions:
            regions = torch.stack(regions)
            out[c] = regions, masks_to_boxes(regions), torch.stack(points)
    return out


@torch.no_grad()
def sam_refinement(predictor, labels: Tensor, probs: Tensor, coarse_thresh: float, minimal_area: int = 225,
                   mask_coefficient: float = 0.005, iou_threshold: float = 0.8) -> Tuple[Tensor, Tensor]:
    """Trident's SAM refinement (``seg_utils/utils.py`` ``sam_refinement``, which its published
    numbers use: ``dist_test.sh`` passes ``--sam_refine``).

    The labels and probabilities are halved; pixels whose best probability is below
    ``coarse_thresh`` are uncertain. Each region of :func:`connected_regions` prompts SAM's mask
    decoder with its box, its best point and its class's probabilities (above ``coarse_thresh``,
    times ``mask_coefficient``, resized to SAM's 256 x 256 mask input as the official code passes
    it: one unbatched mask for all regions of the class); masks whose predicted IoU exceeds
    ``iou_threshold`` are kept. A class's refined score is, inside the union of its masks, the max
    over them of the mask's sigmoid times the class's probability; 0 elsewhere. The labels become
    the argmax of the refined scores where any is non-zero. Inside the regions whose masks were
    not kept, the scores are raised to the probabilities (the labels stay: the official code
    compares them with the already raised scores, so they never change there).

    Args:
        predictor (SamPredictor): with the image set (its embedding).
        labels (Tensor): labels (1, H, W) at the original size.
        probs (Tensor): class probabilities (C, H, W) at the original size (the image file's,
            which the official code reads again).
        coarse_thresh (float): see above.
        minimal_area (int): regions smaller than this (at half resolution) are left out.
        mask_coefficient (float): scale of the mask prompt.
        iou_threshold (float): least predicted IoU of a kept mask.

    Returns:
        tuple: labels (1, H, W) and scores (C, H, W).
    """
    C, image_size = probs.shape[0], tuple(probs.shape[-2:])
    dh, dw = probs.shape[-2] // DOWN_RATIO, probs.shape[-1] // DOWN_RATIO
    small = F.interpolate(labels[None].float(), [dh, dw], mode='nearest')[0].long()
    small_probs = F.interpolate(probs[None], [dh, dw], mode='bilinear', align_corners=False)[0]
    small[small_probs.max(0, keepdim=True)[0] < coarse_thresh] = C
    transform = predictor.transform
    nh, nw = transform.get_preprocess_shape(image_size[0], image_size[1], 256)
    kept, failed = [], []
    for c, (regions, boxes, points) in connected_regions(small[0], small_probs, minimal_area, coarse_thresh).items():
        prompt = F.interpolate(small_probs[c][None, None], [nh, nw], mode='bilinear', align_corners=False)[0]
        prompt = F.pad(prompt, (0, 256 - nw, 0, 256 - nh))
        prompt = torch.where(prompt > coarse_thresh, mask_coefficient * prompt, 0.0)
        coords = transform.apply_coords_torch(points, [dh, dw]).unsqueeze(1)
        masks, scores, low_res = predictor.predict_torch(
            point_coords=coords, point_labels=coords.new_ones(len(points), 1),
            boxes=transform.apply_boxes_torch(boxes.long(), [dh, dw]).float(), mask_input=prompt,
            multimask_output=False)
        valid = (scores > iou_threshold).squeeze(-1)
        if not valid.all():
            failed.append(regions[~valid])
        if valid.any():
            kept.append((c, masks[valid], low_res[valid]))
    if not kept:
        return labels, probs
    sam = predictor.model
    refined = probs.new_zeros(C, *image_size)
    for c, masks, low_res in kept:
        logits = sam.postprocess_masks(low_res, predictor.input_size, predictor.original_size)
        if tuple(logits.shape[-2:]) != image_size:  # the image file's size, not SAM's rounded one
            logits = F.interpolate(logits, image_size, mode='bilinear', align_corners=False)
            masks = logits > sam.mask_threshold
        refined[c] = (logits[:, 0].sigmoid() * probs[c]).max(dim=0).values * masks[:, 0].any(dim=0)
    labels = torch.where(refined.sum(dim=0, keepdim=True) == 0, labels, refined.argmax(dim=0, keepdim=True))
    if failed:
        area = F.interpolate(torch.cat(failed)[None].float(), image_size, mode='nearest')[0].any(dim=0)
        refined = torch.maximum(refined, area * probs)
    return labels, refined
