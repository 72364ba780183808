# SimSeg on the toy world: the toy CLIP towers (TextSup-Toy-ViT) pre-trained from scratch on toy
# captions with LoDA (same data, schedule and budget as configs/toy_clip/pretrain.py), validated
# by SimSeg zero-shot segmentation (with dense CRF) of the toy val split.
_base_ = ['../toy_clip/pretrain.py']
work_dir = 'work_dirs/simseg_toy'
model = dict(
    type='SimSegPretrainer',
    backbone=dict(dense_mode='qk'),
    loss=dict(_delete_=True, type='LoDALoss', image_top_m=5, text_top_m=1, init_temperature=0.02),
    # Toy adaptations of the adaptive threshold (see README): a toy image holds 3-4 of the 10
    # classes (a VOC image ~1.5 of 20), so mu over all 10 classes, no sigma; no background word.
    zero_shot=dict(_delete_=True, type='SimSegZeroShot', top_k=10, sigma_factor=0.0, background_class=None))
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'tau': dict(decay_mult=0.0)}))  # LoDA learns tau itself
custom_hooks = [
    dict(type='ExportCLIPHook', filename='simseg_toy_clip.pth'),
    dict(type='SkippedSamplesHook', interval=325)
]
