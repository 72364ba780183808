# S-Seg+ step 1: a trained S-Seg labels VOC train_aug (10,582 images) for self-training; label PNGs go to
# work_dirs/sseg_voc_pseudo_labels/labels/ (resumable: finished images are skipped), with their mIoU
# against the ground truth (only reported, never used):
#   tools/test.py configs/sseg/voc21_train_pseudo_labels.py work_dirs/sseg/pretrain/iter_190000.pth
_base_ = ['./voc21.py']
pseudo_label_dir = 'work_dirs/sseg_voc_pseudo_labels'
train_aug = dict(data_prefix=dict(seg_map_path='SegmentationClassAug'), ann_file='ImageSets/Segmentation/train_aug.txt')
test_dataloader = dict(dataset=train_aug)
