# SC-CLIP's read-out on the toy world with the toy CLIP (training-free: tools/test.py CONFIG none). The toy
# CLIP has 2 blocks, so block 0 (the only one before the last) gives both similarities and the multi-level
# sum; its 8 x 8 grid has 64 patches, of which 30 are the outlier factor's neighbours as in the official
# code. Otherwise as ../maskclip/toy.py.
_base_ = ['../maskclip/toy.py']
model = dict(
    backbone=dict(
        type='SCCLIPVision', outputs=('dense', ), pos_embed_by_scale_factor=True, pre_adjust_idx=0, post_adjust_idx=0,
        multi_start_idx=0, multi_end_idx=1))
