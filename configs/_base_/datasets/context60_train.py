# PASCAL Context train (4,996 images) with background (60 classes), for training; mmseg's Context
# recipe: random resize of (520, 520) by 0.5-2, 480 x 480 crops.
_base_ = ['./segmentation_train.py']
crop_size = (480, 480)
train_dataloader = dict(
    dataset=dict(
        type='PascalContextDataset',
        data_root='data/VOCdevkit/VOC2010',
        data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClassContext'),
        ann_file='ImageSets/SegmentationContext/train.txt',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadCheckedAnnotations'),
            dict(type='RandomResize', scale=(520, 520), ratio_range=(0.5, 2.0), keep_ratio=True),
            dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
            dict(type='RandomFlip', prob=0.5),
            dict(type='PhotoMetricDistortion'),
            dict(type='PackSegInputs'),
        ]))
