"""S-Seg / S-Seg+ (https://arxiv.org/abs/2401.16760), written from the paper: pseudo masks from a
frozen ViT, a MaskFormer without class head trained with mask matching and captions."""
from .keep_nouns_and_verbs import KeepNounsAndVerbs
from .kmeans import batched_kmeans
from .mask_matching import dice_loss, match_batch, pairwise_dice_cost, pairwise_focal_cost
from .mask_matching_loss import MaskMatchingLoss
from .mlp_projected_text import MLPProjectedText
from .pseudo_mask_generator import PseudoMaskGenerator
from .pseudo_mask_oracle import PseudoMaskOracle, oracle_labels
from .sseg_mask_former import SSegMaskFormer
from .sseg_mask_former_head import SSegMaskFormerHead
from .sseg_pretrainer import SSegPretrainer
from .sseg_zero_shot import SSegZeroShot, combine_masks, winning_mask_classes

__all__ = [
    'KeepNounsAndVerbs', 'MLPProjectedText', 'MaskMatchingLoss', 'PseudoMaskGenerator', 'PseudoMaskOracle',
    'SSegMaskFormer', 'SSegMaskFormerHead', 'SSegPretrainer', 'SSegZeroShot', 'batched_kmeans', 'combine_masks',
    'winning_mask_classes',
    'dice_loss', 'match_batch', 'oracle_labels', 'pairwise_dice_cost', 'pairwise_focal_cost'
]
