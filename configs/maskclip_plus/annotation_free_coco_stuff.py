# MaskCLIP+ annotation-free on COCO-Stuff 164k (171 classes), the official annotation-free ViT-B/16
# COCO-Stuff config: the ground truth is loaded only to keep its unlabelled pixels ignored.
# DeepLabv2-R50 student (see the model base), MaskCLIP ViT-B/16 teacher, 8k iterations, batch 16 in
# total (8 GPUs x 2), teacher-guided only.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_plus_deeplabv2_vit_b16.py',
    '../_base_/datasets/coco_stuff164k.py', '../_base_/datasets/coco_stuff164k_train.py',
    '../_base_/schedules/sgd_poly_20k.py'
]
vocabulary = 'maskclip_coco_stuff171'
model = dict(
    teacher=dict(decode_head=dict(text_encoder=dict(vocabulary=vocabulary))),
    classifier=dict(text_encoder=dict(vocabulary=vocabulary)))
max_iters = 8000
train_cfg = dict(max_iters=max_iters, val_interval=2000)
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters, by_epoch=False)]
default_hooks = dict(checkpoint=dict(interval=2000))
auto_scale_lr = dict(enable=False, base_batch_size=16)
