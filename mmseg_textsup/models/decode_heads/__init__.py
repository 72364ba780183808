from .aspp_v2_head import ASPPV2Head
from .maskclip_head import MaskClipHead
from .sseg_mask_former_head import SSegMaskFormerHead
from .text_embedding_classifier import TextEmbeddingClassifier

__all__ = ['ASPPV2Head', 'MaskClipHead', 'SSegMaskFormerHead', 'TextEmbeddingClassifier']
