# S-Seg+ on the toy world: UperNet on a small ViT (4 blocks, width 128, patch 8; features of blocks
# 1-4, BEiT-style pyramid) with layer-wise lr decay 0.7, trained from scratch (the toy world has no
# MAE weights) on the toy S-Seg's pseudo labels of the 2,000 toy train images
# (tools/test.py configs/sseg/toy_train_pseudo_labels.py <toy S-Seg checkpoint> first);
# validated on the toy val split's ground truth.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/upernet_mae_vit_b16.py', '../_base_/datasets/toy_seg.py',
    '../_base_/schedules/sseg_plus_adamw_layer_decay.py'
]
work_dir = 'work_dirs/sseg_plus_toy'
randomness = dict(seed=0)
max_iters = 1000
model = dict(
    data_preprocessor=dict(size=(64, 64)),
    pretrained=None,
    backbone=dict(img_size=(64, 64), patch_size=8, embed_dims=128, num_layers=4, num_heads=4, out_indices=[0, 1, 2, 3],
                  drop_path_rate=0.0),
    neck=dict(embed_dim=128),
    decode_head=dict(in_channels=[128, 128, 128, 128], channels=64, num_classes=10,
                     norm_cfg=dict(type='BN', requires_grad=True)),
    auxiliary_head=dict(in_channels=128, channels=32, num_classes=10, norm_cfg=dict(type='BN', requires_grad=True)),
    test_cfg=dict(mode='whole'))
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='BaseSegDataset',
        metainfo=dict(classes=('grass', 'water', 'sand', 'snow', 'tomato', 'lemon', 'grape', 'zebra', 'donut',
                               'carrot')),
        data_prefix=dict(img_path='data/toy/voc/JPEGImages', seg_map_path='work_dirs/sseg_toy_pseudo_labels/labels'),
        img_suffix='.jpg',
        seg_map_suffix='.png',
        ann_file='data/toy/voc/ImageSets/Segmentation/train.txt',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadCheckedAnnotations'),
            dict(type='RandomFlip', prob=0.5),
            dict(type='PackSegInputs'),
        ]))
optim_wrapper = dict(optimizer=dict(lr=1e-3), paramwise_cfg=dict(num_layers=4, layer_decay_rate=0.7))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=100),
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=100, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
auto_scale_lr = dict(enable=False, base_batch_size=32)  # one process
