# S-Seg pre-training on CC3M + CC12M + RedCaps (26M pairs): batch 4096 in total
# (tools/dist_train.sh configs/sseg/pretrain.py 32 -> 128 per GPU), AdamW 5e-4, wd 0.05, 30 epochs
# (~190k iterations) with cosine decay after 2 warm-up epochs (~12.7k iterations).
# Validation: S-Seg zero-shot on VOC21 (448x448).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/sseg_swin_s.py', '../_base_/datasets/sseg_pairs.py',
    '../_base_/datasets/voc21.py'
]
max_iters = 190000
warmup_iters = 12700
val_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(448, 448), keep_ratio=False),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]))
test_dataloader = val_dataloader
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=5e-4, weight_decay=0.05, betas=(0.9, 0.999)),
    paramwise_cfg=dict(custom_keys={'log_scale': dict(decay_mult=0.0)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=warmup_iters),
    dict(type='CosineAnnealingLR', eta_min=0.0, by_epoch=False, begin=warmup_iters, end=max_iters),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(checkpoint=dict(interval=10000, max_keep_ckpts=3))
custom_hooks = [dict(type='SkippedSamplesHook', interval=1000)]
auto_scale_lr = dict(enable=False, base_batch_size=4096)
