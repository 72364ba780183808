# SegCLIP on the toy world as the paper designs it: toy_pretrain_short.py's model and data (the
# official group module after block 2 of the 4-block toy CLIP, all three losses) with the official
# learning rates, 4e-3 for stage 3, the group module, the MAE branch, ln_post and proj and 4e-6 for
# the rest (main_task_align.py), the official 15 % linear warm-up, and 1,000 iterations. The
# official base lr lets the region MLP grow to the scale of the tokens that stage 3 was trained on
# (region norm 2.7 against 18.7 at lr 1e-3), so that stage 3's attention stops averaging the regions.
# The new layers start as the official model's (every nn.Linear normal, zero bias) at the gain they
# have at ViT-B's width: N(0, s) gives a layer the gain s x sqrt(fan-in), so the official s = 0.02 at
# width 768 is s = 0.02 x sqrt(768 / 128) = 0.049 at the toy's width 128 (README: 0.02 does not learn).
_base_ = ['./toy_pretrain_short.py']
work_dir = 'work_dirs/segclip_toy'
max_iters = 1000
linear_init = 0.049
model = dict(backbone=dict(linear_init=linear_init), reconstruction=dict(linear_init=linear_init))
optim_wrapper = dict(optimizer=dict(lr=4e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=int(0.15 * max_iters)),
    dict(type='CosineAnnealingLR', eta_min_ratio=0.01, by_epoch=False, begin=int(0.15 * max_iters), end=max_iters),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
custom_hooks = [dict(type='SkippedSamplesHook', interval=max_iters)]
