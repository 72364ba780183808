from .load_toy_sample import LoadToySample
from .pack_image_text_inputs import PackImageTextInputs
from .tokenize_caption import TokenizeCaption

__all__ = ['LoadToySample', 'PackImageTextInputs', 'TokenizeCaption']
