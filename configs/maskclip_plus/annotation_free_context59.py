# MaskCLIP+ annotation-free on PASCAL Context (59 classes), the official annotation-free ViT-B/16
# Context config: the ground truth is loaded only to keep its ignore pixels (the background)
# ignored; every other pixel takes the teacher's label. DeepLabv2-R50 student (see the model base),
# MaskCLIP ViT-B/16 teacher, 4k iterations, 480 x 480 crops, batch 16 in total (8 GPUs x 2),
# teacher-guided only.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_plus_deeplabv2_vit_b16.py',
    '../_base_/datasets/context59.py', '../_base_/datasets/context59_train.py',
    '../_base_/schedules/sgd_poly_20k.py'
]
vocabulary = 'maskclip_context59'
model = dict(
    data_preprocessor=dict(size=(480, 480)),
    teacher=dict(decode_head=dict(text_encoder=dict(vocabulary=vocabulary))),
    classifier=dict(text_encoder=dict(vocabulary=vocabulary)))
max_iters = 4000
train_cfg = dict(max_iters=max_iters, val_interval=1000)
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters, by_epoch=False)]
default_hooks = dict(checkpoint=dict(interval=1000))
auto_scale_lr = dict(enable=False, base_batch_size=16)
