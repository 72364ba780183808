from .cam import box_mask, caa_affinity, caa_refine, cam_confidence, normalise_cams, sinkhorn, softmax_gradcam
from .kmeans import batched_kmeans
from .mask_matching import dice_loss, match_batch, match_masks, pairwise_dice_cost, pairwise_focal_cost
from .pseudo_mask_generator import PseudoMaskGenerator
from .semantic_group import SemanticGroup, gumbel_assignment

__all__ = [
    'PseudoMaskGenerator', 'SemanticGroup', 'batched_kmeans', 'box_mask', 'caa_affinity', 'caa_refine',
    'cam_confidence', 'dice_loss', 'gumbel_assignment', 'match_batch', 'match_masks', 'normalise_cams',
    'pairwise_dice_cost', 'pairwise_focal_cost', 'sinkhorn', 'softmax_gradcam'
]
