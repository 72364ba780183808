# DeepLabV2-R101 on CLIP-ES pseudo masks of COCO (81 classes; tools/test.py
# configs/clip_es/coco_object_pseudo_masks.py none first) with plain cross-entropy (the baseline of
# coco_object_deeplabv2.py); 80k iterations, batch 16 in total; evaluated on COCO-Object val.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/coco_object.py',
    '../_base_/datasets/segmentation_train.py', '../_base_/schedules/sgd_poly_20k.py'
]
pseudo_labels = 'work_dirs/clip_es_coco'
coco_root = 'data/coco_stuff164k'
model = dict(decode_head=dict(num_classes=81, loss_decode=dict(avg_non_ignore=True)))
train_dataloader = dict(
    dataset=dict(
        type='COCOObjectDataset',
        data_prefix=dict(img_path=coco_root + '/images/train2017', seg_map_path=pseudo_labels + '/labels')))
max_iters = 80000
train_cfg = dict(max_iters=max_iters, val_interval=8000)
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters, by_epoch=False)]
auto_scale_lr = dict(enable=False, base_batch_size=16)
