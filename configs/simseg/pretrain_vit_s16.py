# SimSeg ViT-S/16 LoDA pre-training on CC3M + CC12M shards: batch 1024 in total
# (tools/dist_train.sh configs/simseg/pretrain_vit_s16.py 8 -> 128 per GPU), AdamW lr 1e-4,
# 20 epochs of ~15M pairs (~290k iterations), cosine decay; validation = SimSeg zero-shot VOC21.
# The dense-alignment baseline ("w/o LoDA"): --cfg-options model.loss.select=False
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/simseg_vit_s16.py', '../_base_/datasets/cc3m_cc12m_pairs.py',
    '../_base_/datasets/voc21.py'
]
max_iters = 290000
val_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(288, 288), keep_ratio=False),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]))
test_dataloader = val_dataloader
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.05, betas=(0.9, 0.98)),
    paramwise_cfg=dict(custom_keys={'log_scale': dict(decay_mult=0.0)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=2000),
    dict(type='CosineAnnealingLR', eta_min=1e-6, by_epoch=False, begin=2000, end=max_iters),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(checkpoint=dict(interval=10000, max_keep_ckpts=3))
custom_hooks = [dict(type='SkippedSamplesHook', interval=1000)]  # totals of broken web pairs skipped
auto_scale_lr = dict(enable=False, base_batch_size=1024)
