# SegCLIP pre-training on CC3M + COCO Captions with all three losses (contrastive + reconstruction +
# superpixel KL): batch 768 in total (tools/dist_train.sh configs/segclip/pretrain.py 8 -> 96 per
# GPU), 10 epochs of ~3.4M pairs (~44.3k iterations). The official parameter groups
# (main_task_align.py): lr 4e-3 for the group module, stage 3, ln_post / proj and the
# reconstruction branch; 4e-6 (x 1e-3) for the text encoder, the embeddings, ln_pre, the CLIP blocks
# before the group module and the temperature; AdamW betas (0.9, 0.98), eps 1e-6, weight decay 0.05
# except biases; 15 % linear warm-up, cosine to 0; gradients clipped at norm 1. Validation: VOC21.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/segclip_vit_b16.py',
    '../_base_/datasets/cc3m_coco_caption_pairs.py', '../_base_/datasets/voc21.py'
]
group_after = 10
max_iters = 44300
model = dict(backbone=dict(group_after=group_after))
val_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 224), keep_ratio=True),  # short side 224
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]))
test_dataloader = val_dataloader
clip_lr = dict(lr_mult=1e-3)  # 4e-6
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=4e-3, weight_decay=0.05, betas=(0.9, 0.98), eps=1e-6),
    clip_grad=dict(max_norm=1.0),
    paramwise_cfg=dict(
        bias_decay_mult=0.0,
        custom_keys={
            'text_encoder.': clip_lr,
            'backbone.visual.conv1': clip_lr,
            'backbone.visual.class_embedding': clip_lr,
            'backbone.visual.positional_embedding': clip_lr,
            'backbone.visual.ln_pre': clip_lr,
            **{f'backbone.visual.transformer.resblocks.{i}.': clip_lr
               for i in range(group_after)},
            'log_scale': clip_lr,
        }))
warmup_iters = 6645  # 15 %
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=warmup_iters),
    dict(type='CosineAnnealingLR', eta_min=0.0, by_epoch=False, begin=warmup_iters, end=max_iters),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=4430)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(checkpoint=dict(interval=4430, max_keep_ckpts=3))
custom_hooks = [dict(type='SkippedSamplesHook', interval=1000)]
auto_scale_lr = dict(enable=False, base_batch_size=768)
