from .open_clip_text import OpenCLIPText
from .open_clip_text_classifier import OpenCLIPTextClassifier
from .prompt_ensemble import prompt_ensemble, reduce_synonyms

__all__ = ['OpenCLIPText', 'OpenCLIPTextClassifier', 'prompt_ensemble', 'reduce_synonyms']
