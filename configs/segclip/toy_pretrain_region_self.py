# SegCLIP on the toy world with stage 3 run on each region alone (region_attention='self', not in
# the paper): the 4-block toy CLIP's blocks 2-3 average an image's regions into one vector when
# they attend over all of them (region cosine 0.68 -> 0.99). Otherwise as toy_pretrain_short.py.
_base_ = ['./toy_pretrain_short.py']
work_dir = 'work_dirs/segclip_toy_region_self'
model = dict(backbone=dict(region_attention='self'))
