# MaskCLIP+ transductive zero-shot on COCO-Stuff 164k (171 classes, 15 unseen), the official
# zero-shot COCO-Stuff config: DeepLabv2-R101 student, MaskCLIP RN50 teacher, 80k iterations, batch
# 16 in total (8 GPUs x 2), self-training after 8k iterations.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_plus_deeplabv2_r101.py',
    '../_base_/datasets/coco_stuff164k.py', '../_base_/datasets/coco_stuff164k_train.py',
    '../_base_/schedules/sgd_poly_20k.py'
]
vocabulary = 'maskclip_coco_stuff171'
model = dict(
    teacher=dict(decode_head=dict(text_encoder=dict(vocabulary=vocabulary))),
    classifier=dict(text_encoder=dict(vocabulary=vocabulary)),
    unseen_classes='coco_stuff')
max_iters = 80000
train_cfg = dict(max_iters=max_iters, val_interval=8000)
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters, by_epoch=False)]
val_evaluator = dict(type='ZeroShotIoUMetric', unseen_classes='coco_stuff')
test_evaluator = val_evaluator
custom_hooks = [dict(type='SelfTrainingHook', start_ratio=0.1)]
auto_scale_lr = dict(enable=False, base_batch_size=16)
