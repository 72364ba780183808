# MaskCLIP+ transductive zero-shot on PASCAL Context (60 classes, background kept; 10 unseen), the
# official zero-shot Context config: DeepLabv3+-R101 student (mmseg's DepthwiseSeparableASPPHead,
# 1024-d features, a learnable background embedding next to the 59 class words), MaskCLIP RN50
# teacher, 40k iterations, SGD lr 0.004 / weight decay 1e-4, 480 x 480 crops, batch 16 in total
# (8 GPUs x 2), self-training after 4k iterations.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_plus_deeplabv2_r101.py',
    '../_base_/datasets/context60.py', '../_base_/datasets/context60_train.py',
    '../_base_/schedules/sgd_poly_20k.py'
]
vocabulary = 'maskclip_context59'
model = dict(
    data_preprocessor=dict(size=(480, 480)),
    teacher=dict(decode_head=dict(text_encoder=dict(vocabulary=vocabulary))),
    decode_head=dict(
        _delete_=True,
        type='DepthwiseSeparableASPPHead',
        in_channels=2048,
        in_index=3,
        channels=1024,
        dilations=(1, 12, 24, 36),
        c1_in_channels=256,
        c1_channels=48,
        dropout_ratio=0.0,
        norm_cfg=dict(type='SyncBN', requires_grad=True),
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    classifier=dict(text_encoder=dict(vocabulary=vocabulary), learnable_background=True),
    unseen_classes='context')
optimizer = dict(lr=0.004, weight_decay=1e-4)
optim_wrapper = dict(optimizer=optimizer)
max_iters = 40000
train_cfg = dict(max_iters=max_iters, val_interval=4000)
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters, by_epoch=False)]
val_evaluator = dict(type='ZeroShotIoUMetric', unseen_classes='context')
test_evaluator = val_evaluator
custom_hooks = [dict(type='SelfTrainingHook', start_ratio=0.1)]
auto_scale_lr = dict(enable=False, base_batch_size=16)
