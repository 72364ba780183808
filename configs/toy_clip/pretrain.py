# Toy CLIP: contrastive pre-training on toy-world captions (CPU, about 10 minutes on 2 cores),
# validated by MaskCLIP-style zero-shot segmentation of the toy val split. Its exported
# open_clip checkpoint (work_dirs/toy_clip/toy_clip.pth) is where the other papers' toy
# configs start.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/toy_pairs.py', '../_base_/models/clip_data_preprocessor.py'
]
clip_name = 'TextSup-Toy-ViT'
work_dir = 'work_dirs/toy_clip'
randomness = dict(seed=0)
model = dict(
    type='ImageTextPretrainer',
    data_preprocessor=dict(size=(64, 64)),
    backbone=dict(type='OpenCLIPVision', model_name=clip_name, frozen=False, dense_mode='value'),
    text_tower=dict(type='OpenCLIPText', model_name=clip_name),
    loss=dict(type='CLIPContrastiveLoss', init_temperature=0.07),
    zero_shot=dict(type='MaskCLIPZeroShot', dense_mode='value'),
    vocabulary='toy',
    templates='single')
max_iters = 650
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05, betas=(0.9, 0.98), fused=True),
    paramwise_cfg=dict(custom_keys={'log_scale': dict(decay_mult=0.0)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=50, end=max_iters),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=325)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=325, max_keep_ckpts=2))
custom_hooks = [
    dict(type='ExportCLIPHook', filename='toy_clip.pth'),
    dict(type='SkippedSamplesHook', interval=325)
]
