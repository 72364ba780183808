# Fully supervised upper bound on the toy world: the toy CLIP's image tower (random init)
# with an FCN head, trained on toy label maps with tools/train.py.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/toy_seg.py', '../_base_/models/clip_data_preprocessor.py'
]
work_dir = 'work_dirs/toy_supervised'
randomness = dict(seed=0)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(size=(64, 64)),
    backbone=dict(
        type='OpenCLIPVision', model_name='TextSup-Toy-ViT', frozen=False, dense_mode='qk', outputs=('dense', )),
    neck=dict(type='FeatureSelector', keys=('dense', )),
    decode_head=dict(
        type='FCNHead',
        in_channels=64,
        in_index=0,
        channels=128,
        num_convs=1,
        concat_input=False,
        dropout_ratio=0.0,
        num_classes=10,
        norm_cfg=dict(type='BN', requires_grad=True),
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    test_cfg=dict(mode='whole'))
max_iters = 1000
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05))
param_scheduler = [dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=0, end=max_iters)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=max_iters))
