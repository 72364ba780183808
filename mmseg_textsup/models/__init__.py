# Shared core by role, then one folder per paper (importing registers every component).
from . import (backbones, clip, clip_es, decode_heads, losses, maskclip, maskclip_plus, necks, segclip,  # noqa: F401
               segmentors, simseg, sseg, text_encoders, training_free)
