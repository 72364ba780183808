"""mmseg_textsup: text-supervised segmentation (MaskCLIP(+), CLIP-ES, SegCLIP, SimSeg, S-Seg)
as an MMSegmentation 1.x plugin. Importing the package registers every component into
mmseg's registries; configs do it with ``custom_imports``.
"""
from .utils import install_checkpoint_allowlist
from .version import __version__

install_checkpoint_allowlist()

from . import datasets, engine, evaluation, models  # noqa: E402,F401  (registers components)

__all__ = ['__version__']
