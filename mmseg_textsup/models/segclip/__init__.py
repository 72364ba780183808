"""SegCLIP (https://arxiv.org/abs/2211.14813): the semantic group module on a CLIP ViT, its
reconstruction and superpixel losses, and zero-shot segmentation through the assignment."""
from .segclip_pretrainer import SegCLIPPretrainer
from .segclip_reconstruction_loss import SegCLIPReconstructionLoss, patchify, random_keep
from .segclip_vision import SegCLIPVision
from .segclip_zero_shot import SegCLIPZeroShot
from .semantic_group import SemanticGroup, gumbel_assignment
from .superpixel_kl_loss import SuperpixelKLLoss, patch_superpixel_ids, super_patch_means
from .superpixels import Superpixels, felzenszwalb_superpixels, superpixel_path

__all__ = [
    'SegCLIPPretrainer', 'SegCLIPReconstructionLoss', 'SegCLIPVision', 'SegCLIPZeroShot', 'SemanticGroup',
    'SuperpixelKLLoss', 'Superpixels', 'felzenszwalb_superpixels', 'gumbel_assignment', 'patch_superpixel_ids',
    'patchify', 'random_keep', 'super_patch_means', 'superpixel_path'
]
