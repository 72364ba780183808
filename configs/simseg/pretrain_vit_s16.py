# SimSeg ViT-S/16 LoDA pre-training on CC3M + CC12M shards with the official recipe: batch 1024 in
# total (tools/dist_train.sh configs/simseg/pretrain_vit_s16.py 8 -> 128 per GPU), AdamW lr 1e-4,
# betas (0.9, 0.98), eps 1e-6, weight decay 1e-3 on every parameter, 2.5 % linear warm-up, cosine
# decay to 0.1x; 20 epochs of ~15M pairs (~290k iterations); validation = SimSeg zero-shot VOC21.
# The towers start from timm's ImageNet-21k ViT-S/16 and Hugging Face's bert-base-uncased (both
# downloaded, or local files: model.backbone.pretrained=<timm .pth>,
# model.text_tower.pretrained=<save_pretrained dir>, model.text_tower.hf_tokenizer=<dir> and the
# same hf_tokenizer for the TokenizeCaption step of the pipeline).
# The dense-alignment baseline ("w/o LoDA"): --cfg-options model.loss.select=False
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/simseg_vit_s16.py', '../_base_/datasets/cc3m_cc12m_pairs.py',
    '../_base_/datasets/voc21.py'
]
model = dict(backbone=dict(pretrained='timm'), text_tower=dict(pretrained='bert-base-uncased'))
max_iters = 290000
warmup_iters = 7250  # 2.5 %
val_dataloader = dict(dataset=dict(pipeline={{_base_.simseg_test_pipeline}}))
test_dataloader = val_dataloader
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-4, weight_decay=1e-3, betas=(0.9, 0.98), eps=1e-6))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=warmup_iters),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=warmup_iters, end=max_iters),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(checkpoint=dict(interval=10000, max_keep_ckpts=3))
custom_hooks = [dict(type='SkippedSamplesHook', interval=1000)]  # totals of broken web pairs skipped
auto_scale_lr = dict(enable=False, base_batch_size=1024)
