# NACLIP's dense read-out on the toy world with the toy CLIP (training-free: tools/test.py CONFIG none);
# otherwise as ../maskclip/toy.py.
_base_ = ['../maskclip/toy.py']
model = dict(
    backbone=dict(
        outputs=('dense', ), dense_mode=dict(_delete_=True, type='naclip', std=5.0), pos_embed_by_scale_factor=True))
