# DeepLabV2-R101 trained on CLIP-ES pseudo masks of VOC train_aug with plain cross-entropy (every
# pseudo-label pixel is used; the baseline of voc21_deeplabv2.py, paper Table 7). Write the masks first:
# tools/test.py configs/clip_es/voc21_pseudo_masks.py none. mmseg's 20k schedule, batch 16 in total
# (tools/dist_train.sh configs/clip_es/voc21_deeplabv2_ce.py 8); evaluated on VOC val.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/voc21.py',
    '../_base_/datasets/segmentation_train.py', '../_base_/schedules/sgd_poly_20k.py'
]
pseudo_labels = 'work_dirs/clip_es_voc'
model = dict(decode_head=dict(loss_decode=dict(avg_non_ignore=True)))  # mean over the labelled pixels
voc_root = 'data/VOCdevkit/VOC2012'
train_dataloader = dict(
    dataset=dict(
        type='PascalVOCDataset',
        data_prefix=dict(img_path=voc_root + '/JPEGImages', seg_map_path=pseudo_labels + '/labels'),
        ann_file=voc_root + '/ImageSets/Segmentation/train_aug.txt'))
auto_scale_lr = dict(enable=False, base_batch_size=16)
