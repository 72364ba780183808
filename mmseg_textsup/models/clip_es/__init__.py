"""CLIP-ES (https://arxiv.org/abs/2302.09506): pseudo masks from image-level labels and the
confidence-guided training of the segmentation network."""
from .cam import box_mask, caa_affinity, caa_refine, cam_confidence, normalise_cams, sinkhorn, softmax_gradcam
from .clip_es import CLIP_ES_CRF, CLIPES
from .confidence_guided_labels import ConfidenceGuidedLabels
from .load_image_level_labels import LoadImageLevelLabels, read_label_file

__all__ = [
    'CLIPES', 'CLIP_ES_CRF', 'ConfidenceGuidedLabels', 'LoadImageLevelLabels', 'box_mask', 'caa_affinity',
    'caa_refine', 'cam_confidence', 'normalise_cams', 'read_label_file', 'sinkhorn', 'softmax_gradcam'
]
