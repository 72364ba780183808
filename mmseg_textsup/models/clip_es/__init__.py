"""CLIP-ES (https://arxiv.org/abs/2302.09506): pseudo masks from image-level labels and the
confidence-guided training of the segmentation network."""
from .cam import (box_mask, caa_affinity, caa_refine, cam_confidence, normalise_cams, scale_gradcam, sinkhorn,
                  softmax_gradcam)
from .clip_es import CLIP_ES_CRF, CLIPES
from .confidence_guided_ce_loss import ConfidenceGuidedCELoss
from .confidence_guided_head import ConfidenceGuidedHead
from .load_confidence_map import LoadConfidenceMap
from .load_image_level_labels import LoadImageLevelLabels, read_label_file
from .pack_seg_inputs_with_confidence import PackSegInputsWithConfidence

__all__ = [
    'CLIPES', 'CLIP_ES_CRF', 'ConfidenceGuidedCELoss', 'ConfidenceGuidedHead', 'LoadConfidenceMap',
    'LoadImageLevelLabels', 'PackSegInputsWithConfidence', 'box_mask', 'caa_affinity', 'caa_refine',
    'cam_confidence', 'normalise_cams', 'read_label_file', 'scale_gradcam', 'sinkhorn', 'softmax_gradcam'
]
