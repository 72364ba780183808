# ResCLIP's read-out on the toy world with the toy CLIP (training-free: tools/test.py CONFIG none). The toy
# CLIP has 2 blocks, so RCS averages block 0's attention (the official blocks 6-9 of 12); VOC21's weights
# and threshold (temp_thd 0.5, RCS (2.0, 0.3), SFR (2.2, 0.7)), the first pass at the toy head's logit scale.
# Otherwise as ../maskclip/toy.py.
_base_ = ['../maskclip/toy.py']
model = dict(
    backbone=dict(
        type='ResCLIPVision', outputs=('dense', ), pos_embed_by_scale_factor=True, rcs_blocks=(0, ), temp_thd=0.5,
        rcs_weights=(2.0, 0.3), sfr_weights=(2.2, 0.7), logit_scale=100.0))
