# S-Seg+ schedule (Table 6): AdamW 1e-4, wd 0.05, betas (0.9, 0.999), layer-wise lr decay 0.7 over
# the 12 ViT blocks, 1.5k linear warm-up iterations, then polynomial decay; batch 16 in total
# (tools/dist_train.sh <config> 8 -> 2 per GPU). Leaf configs set max_iters (20k / 40k / 80k).
max_iters = 20000
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    paramwise_cfg=dict(num_layers=12, layer_decay_rate=0.7),
    constructor='LayerDecayOptimizerConstructor')
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=1500, end=max_iters, by_epoch=False),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=4000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
auto_scale_lr = dict(enable=False, base_batch_size=16)
