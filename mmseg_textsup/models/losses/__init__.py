from .clip_contrastive_loss import ClipContrastiveLoss, symmetric_info_nce
from .gather import gather_with_grad
from .learnable_temperature import LearnableTemperature
from .loda_loss import LoDALoss, max_response_pool
from .mask_matching_loss import MaskMatchingLoss
from .segclip_reconstruction_loss import SegCLIPReconstructionLoss, patchify, random_keep
from .superpixel_kl_loss import SuperpixelKLLoss, patch_superpixel_ids, super_patch_means

__all__ = [
    'ClipContrastiveLoss', 'LearnableTemperature', 'LoDALoss', 'MaskMatchingLoss', 'SegCLIPReconstructionLoss',
    'SuperpixelKLLoss', 'gather_with_grad', 'max_response_pool', 'patch_superpixel_ids', 'patchify', 'random_keep',
    'super_patch_means', 'symmetric_info_nce'
]
