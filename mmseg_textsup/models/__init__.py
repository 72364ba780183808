from . import backbones, clip, decode_heads, losses, necks, segmentors, text_encoders, zero_shot  # noqa: F401  (registers)
