# A DeepLabv2-style student (dilated ResNet-18 of width 16 + ASPP-v2, random init) trained on the
# toy CLIP-ES pseudo masks (tools/test.py configs/clip_es/toy_pseudo_masks.py none first) with plain
# cross-entropy over the labelled pixels (the baseline of toy_deeplabv2.py); validated on the toy
# val split's ground truth in the same objects-on-background labelling (7 classes).
_base_ = ['../_base_/default_runtime.py', '../_base_/models/clip_data_preprocessor.py']
work_dir = 'work_dirs/clip_es_toy_deeplabv2_ce'
randomness = dict(seed=0)
pseudo_labels = 'work_dirs/clip_es_toy'
toy_root = 'data/toy/voc'
toy_classes = ('background', 'tomato', 'lemon', 'grape', 'zebra', 'donut', 'carrot')
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(size=(64, 64)),
    backbone=dict(
        type='ResNetV1c', depth=18, stem_channels=16, base_channels=16, strides=(1, 1, 1, 1), dilations=(1, 1, 2, 4),
        contract_dilation=True, norm_cfg=dict(type='BN', requires_grad=True)),
    decode_head=dict(
        type='ASPPV2Head', in_channels=128, in_index=3, channels=64, dilations=(1, 2, 3, 4), norm_cfg=None,
        act_cfg=None, dropout_ratio=0.1,
        num_classes=7, align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0, avg_non_ignore=True)),
    test_cfg=dict(mode='whole'))
toy_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
toy_dataset = dict(type='BaseSegDataset', metainfo=dict(classes=toy_classes), img_suffix='.jpg', seg_map_suffix='.png')
train_dataloader = dict(
    batch_size=32,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        toy_dataset,
        data_prefix=dict(img_path=toy_root + '/JPEGImages', seg_map_path=pseudo_labels + '/labels'),
        ann_file=toy_root + '/ImageSets/Segmentation/train.txt',
        pipeline=toy_train_pipeline))
val_dataloader = dict(
    batch_size=50,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        toy_dataset,
        data_prefix=dict(img_path=toy_root + '/JPEGImages', seg_map_path=toy_root + '/SegmentationClassObjects'),
        ann_file=toy_root + '/ImageSets/Segmentation/val.txt',
        pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadCheckedAnnotations'), dict(type='PackSegInputs')]))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
max_iters = 300  # ~3.5 min per run on 2 CPU cores; the CGL-vs-CE comparison needs 3 seeds of each
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05))
param_scheduler = [dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=0, end=max_iters)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=max_iters))
