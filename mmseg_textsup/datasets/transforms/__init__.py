from .confidence_guided_labels import ConfidenceGuidedLabels
from .keep_nouns_and_verbs import KeepNounsAndVerbs
from .load_checked_annotations import LoadCheckedAnnotations
from .load_image_level_labels import LoadImageLevelLabels, read_label_file
from .load_image_text_pair import BadSampleError, LoadImageTextPair
from .load_toy_sample import LoadToySample
from .pack_image_text_inputs import PackImageTextInputs
from .superpixels import Superpixels, felzenszwalb_superpixels, superpixel_path
from .tokenize_caption import TokenizeCaption

__all__ = [
    'BadSampleError', 'ConfidenceGuidedLabels', 'KeepNounsAndVerbs', 'LoadCheckedAnnotations', 'LoadImageLevelLabels',
    'LoadImageTextPair', 'LoadToySample', 'PackImageTextInputs', 'Superpixels', 'TokenizeCaption',
    'felzenszwalb_superpixels', 'read_label_file', 'superpixel_path'
]
