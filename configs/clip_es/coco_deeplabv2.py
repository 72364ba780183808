# DeepLabV2-R101 on CLIP-ES pseudo masks of COCO (81 classes; tools/test.py
# configs/clip_es/coco_pseudo_masks.py none first) with the confidence-guided loss; 80k iterations,
# batch 16 in total; evaluated on COCO-Object val.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/coco_object.py',
    '../_base_/schedules/sgd_poly_20k.py'
]
pseudo_label_dir = 'work_dirs/clip_es_coco'
coco_root = 'data/coco_stuff164k'
model = dict(decode_head=dict(num_classes=81))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='ConfidenceGuidedLabels', mu=0.95),
    dict(type='RandomResize', scale=(2048, 512), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=(512, 512), cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='COCOObjectDataset',
        data_root='',
        data_prefix=dict(img_path=coco_root + '/images/train2017', seg_map_path=pseudo_label_dir + '/labels'),
        pipeline=train_pipeline))
max_iters = 80000
train_cfg = dict(max_iters=max_iters, val_interval=8000)
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters, by_epoch=False)]
auto_scale_lr = dict(enable=False, base_batch_size=16)
