# PEARL's read-out on the toy world with the toy CLIP (training-free: tools/test.py CONFIG none): the
# Procrustes-aligned last attention and the text-aware propagation (64 x 64 images: below the grid of 80,
# so not pooled), at the toy head's logit scale. Otherwise as ../maskclip/toy.py.
_base_ = ['../maskclip/toy.py']
model = dict(
    backbone=dict(
        outputs=('dense', ), dense_mode=dict(_delete_=True, type='pearl', alpha_kk=0.08),
        pos_embed_by_scale_factor=True),
    refiner=dict(type='PEARLPropagation', grid=80, logit_scale=100.0))
