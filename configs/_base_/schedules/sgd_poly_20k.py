# mmseg's 20k schedule: SGD lr 0.01, momentum 0.9, weight decay 5e-4, poly decay (power 0.9).
# Leaf configs with other lengths set train_cfg.max_iters and param_scheduler (checkpoints: every
# 2000 iterations, default_runtime.py).
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer, clip_grad=None)
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=20000, by_epoch=False)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=20000, val_interval=2000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
