# S-Seg+ step 1 on the toy world: the best toy S-Seg (toy_pretrain_mask_pooled.py) labels the 2,000 toy
# train images written by tools/dataset_converters/write_toy_world.py; PNGs go to
# work_dirs/sseg_toy_pseudo_labels/labels/ (resumable), with their mIoU against the toy ground truth:
#   tools/test.py configs/sseg/toy_train_pseudo_labels.py work_dirs/sseg_toy_mask_pooled/iter_650.pth
_base_ = ['./toy_pretrain_mask_pooled.py', '../_base_/datasets/toy_voc.py']
pseudo_label_dir = 'work_dirs/sseg_toy_pseudo_labels'
work_dir = 'work_dirs/sseg_toy_train_pseudo_labels'  # not the training config's folder it inherits
test_dataloader = dict(batch_size=50, num_workers=1, dataset={{_base_.toy_voc_train}})
