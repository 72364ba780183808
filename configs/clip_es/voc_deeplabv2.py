# DeepLabV2-R101 trained on CLIP-ES pseudo masks of VOC train_aug (write them first:
# tools/test.py configs/clip_es/voc_pseudo_masks.py none) with the confidence-guided loss
# (pixels with confidence < 0.95 ignored); mmseg's 20k schedule, batch 16 in total
# (tools/dist_train.sh configs/clip_es/voc_deeplabv2.py 8); evaluated on VOC val.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/voc21.py',
    '../_base_/schedules/sgd_poly_20k.py'
]
pseudo_label_dir = 'work_dirs/clip_es_voc'
voc_root = 'data/VOCdevkit/VOC2012'
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
        type='PascalVOCDataset',
        data_root='',
        data_prefix=dict(img_path=voc_root + '/JPEGImages', seg_map_path=pseudo_label_dir + '/labels'),
        ann_file=voc_root + '/ImageSets/Segmentation/train_aug.txt',
        pipeline=train_pipeline))
auto_scale_lr = dict(enable=False, base_batch_size=16)
