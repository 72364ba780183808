# SegCLIP on the toy world with the paper's reading of the group module's cross-attention: each
# image's centers attend to its own tokens (cross_context='per_image'; the official code, which
# toy_pretrain_short.py follows, lets them read other images' tokens of the batch). Otherwise as
# toy_pretrain_short.py (all three losses).
_base_ = ['./toy_pretrain_short.py']
work_dir = 'work_dirs/segclip_toy_per_image'
model = dict(backbone=dict(cross_context='per_image'))
