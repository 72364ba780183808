# S-Seg+ step 1: a trained S-Seg labels COCO-Object train2017 (118k images) for self-training; label PNGs go
# to work_dirs/sseg_coco_object_pseudo_labels/labels/ (resumable), with their mIoU against the ground truth:
#   tools/test.py configs/sseg/coco_object_train_pseudo_labels.py work_dirs/sseg/pretrain/iter_190000.pth
_base_ = ['./coco_object.py']
pseudo_label_dir = 'work_dirs/sseg_coco_object_pseudo_labels'
test_dataloader = dict(
    dataset=dict(data_prefix=dict(img_path='images/train2017', seg_map_path='annotations_object/train2017')))
