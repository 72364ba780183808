# S-Seg+ step 1: a trained S-Seg labels PASCAL Context train (4,996 images) for self-training; label PNGs go
# to work_dirs/sseg_context60_pseudo_labels/labels/ (resumable), with their mIoU against the ground truth:
#   tools/test.py configs/sseg/context60_train_pseudo_labels.py work_dirs/sseg/pretrain/iter_190000.pth
_base_ = ['./context60.py']
pseudo_label_dir = 'work_dirs/sseg_context60_pseudo_labels'
test_dataloader = dict(dataset=dict(ann_file='ImageSets/SegmentationContext/train.txt'))
