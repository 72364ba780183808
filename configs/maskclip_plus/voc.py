# MaskCLIP+ transductive zero-shot on PASCAL VOC 2012 (background ignored; unseen: potted plant,
# sheep, sofa, train, tv monitor), the official zero-shot VOC config: DeepLabv2-R101 student,
# MaskCLIP RN50 teacher, 20k iterations, batch 16 in total (tools/dist_train.sh
# configs/maskclip_plus/voc.py 8 -> 2 images per GPU; the official run: 4 GPUs x 4), teacher-guided
# for the first 2k iterations, self-training after.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_plus_deeplabv2_r101.py',
    '../_base_/datasets/voc20.py', '../_base_/datasets/voc20_aug_train.py', '../_base_/schedules/sgd_poly_20k.py'
]
model = dict(unseen_classes='voc')
val_evaluator = dict(type='ZeroShotIoUMetric', unseen_classes='voc')
test_evaluator = val_evaluator
custom_hooks = [dict(type='SelfTrainingHook', start_ratio=0.1)]
auto_scale_lr = dict(enable=False, base_batch_size=16)
