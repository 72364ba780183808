"""mmseg_textsup: CLIP-based open-vocabulary segmentation as an MMSegmentation 1.x plugin: the
text-supervised MaskCLIP / MaskCLIP+, CLIP-ES, SegCLIP, SimSeg (LoDA) and S-Seg / S-Seg+, and the
training-free SCLIP, ClearCLIP, NACLIP, ProxyCLIP, ResCLIP, SC-CLIP and PEARL. Importing the package registers every
component into mmseg's registries; configs do it with ``custom_imports``.
"""
from .utils import install_checkpoint_allowlist
from .version import __version__

install_checkpoint_allowlist()

from . import datasets, engine, evaluation, models  # noqa: E402,F401  (registers components)

__all__ = ['__version__']
