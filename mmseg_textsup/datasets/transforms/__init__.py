from .load_checked_annotations import LoadCheckedAnnotations
from .load_image_text_pair import BadSampleError, LoadImageTextPair
from .load_toy_sample import LoadToySample
from .pack_image_text_inputs import PackImageTextInputs
from .tokenize_caption import TokenizeCaption
from .torchvision_transform import TorchvisionTransform

__all__ = [
    'BadSampleError', 'LoadCheckedAnnotations', 'LoadImageTextPair', 'LoadToySample', 'PackImageTextInputs',
    'TokenizeCaption', 'TorchvisionTransform'
]
