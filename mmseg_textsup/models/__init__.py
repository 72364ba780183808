from . import backbones, clip, decode_heads, losses, necks, segmentors, text_encoders, utils, zero_shot  # noqa: F401  (registers)
