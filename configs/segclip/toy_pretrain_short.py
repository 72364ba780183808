# SegCLIP on the toy world, a short budget (300 iterations at the toy CLIP's base lr 1e-3,
# the official x 1e-3 split below it), kept for the rows measured with it (README). The 4-block
# toy CLIP (configs/toy_clip/pretrain_4blocks.py, exported to
# work_dirs/toy_clip_4blocks/toy_clip_4blocks.pth) continues on toy captions with the group module
# after block 2 of 4 (two blocks after it, as the paper's design needs), all three losses, and the
# official learning-rate groups (x 1e-3 for the text tower, the embeddings, blocks 0-1 and the
# temperature). Superpixels are scaled to 64x64 images (sigma 1, min size 18; the paper's 224-pixel
# settings give ~1 superpixel per toy image). Validation: SegCLIP zero-shot on the toy val split.
_base_ = ['../toy_clip/pretrain.py']
work_dir = 'work_dirs/segclip_toy_short'
toy_clip = 'work_dirs/toy_clip_4blocks/toy_clip_4blocks.pth'
max_iters = 300
# The new layers keep PyTorch's / timm's initialisation (linear_init='pytorch'), as in every row
# measured with this set-up; toy_pretrain.py starts them as the official model at ViT-B's gain.
model = dict(
    type='SegCLIPPretrainer',
    backbone=dict(
        _delete_=True, type='SegCLIPVision', model_name='TextSup-Toy-ViT4', pretrained=toy_clip, group_after=2,
        linear_init='pytorch'),
    text_tower=dict(model_name='TextSup-Toy-ViT4', pretrained=toy_clip),
    loss=dict(init_temperature=0.054),  # the toy CLIP's learned logit scale, 18.4
    reconstruction=dict(
        type='SegCLIPReconstructionLoss', num_extra_layers=2, decoder_depth=3, decoder_heads=4,
        linear_init='pytorch'),
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
            'backbone.visual.conv1': clip_lr,
            'backbone.visual.class_embedding': clip_lr,
            'backbone.visual.positional_embedding': clip_lr,
            'backbone.visual.ln_pre': clip_lr,
            'backbone.visual.transformer.resblocks.0.': clip_lr,
            'backbone.visual.transformer.resblocks.1.': clip_lr,
            'log_scale': clip_lr,
        }))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=30),
    dict(type='CosineAnnealingLR', eta_min_ratio=0.01, by_epoch=False, begin=30, end=max_iters),  # per group
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
custom_hooks = [dict(type='SkippedSamplesHook', interval=max_iters)]
