# SegCLIP on the toy world: the toy CLIP (configs/toy_clip/pretrain.py, exported to
# work_dirs/toy_clip/toy_clip.pth) continues on toy captions with the group module after block 1 of
# 2, all three losses, and the paper's two learning rates (x 1e-3 for the text tower, the embeddings
# and block 0). Superpixels are scaled to 64x64 images (sigma 1, min size 18; the paper's 224-pixel
# settings give ~1 superpixel per toy image). Validation: SegCLIP zero-shot on the toy val split.
_base_ = ['../toy_clip/pretrain.py']
work_dir = 'work_dirs/segclip_toy'
toy_clip = 'work_dirs/toy_clip/toy_clip.pth'
max_iters = 300
model = dict(
    type='SegCLIPPretrainer',
    image_encoder=dict(
        _delete_=True, type='SegCLIPVision', model_name='TextSup-Toy-ViT', pretrained=toy_clip, group_after=1),
    text_encoder=dict(pretrained=toy_clip),
    loss=dict(init_temperature=0.054),  # the toy CLIP's learned logit scale, 18.4
    reconstruction=dict(
        type='SegCLIPReconstructionLoss', num_extra_layers=1, decoder_depth=3, decoder_heads=4),
    superpixel_kl=dict(type='SuperpixelKLLoss'),
    zero_shot=dict(_delete_=True, type='SegCLIPZeroShot'))
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadToySample', with_seg=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Superpixels', scale=224, sigma=1, min_size=18),
    dict(type='TokenizeCaption', model_name='TextSup-Toy-ViT'),
    dict(type='PackImageTextInputs'),
]))
clip_lr = dict(lr_mult=1e-3)
optim_wrapper = dict(
    paramwise_cfg=dict(
        custom_keys={
            'text_encoder.': clip_lr,
            'image_encoder.visual.conv1': clip_lr,
            'image_encoder.visual.class_embedding': clip_lr,
            'image_encoder.visual.positional_embedding': clip_lr,
            'image_encoder.visual.ln_pre': clip_lr,
            'image_encoder.visual.transformer.resblocks.0.': clip_lr,
            'log_scale': clip_lr,
        }))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=30),
    dict(type='CosineAnnealingLR', eta_min_ratio=0.01, by_epoch=False, begin=30, end=max_iters),  # per group
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
custom_hooks = [dict(type='SkippedSamplesHook', interval=max_iters)]
