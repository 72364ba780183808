# SimSeg's official tower types on the toy world: a timm ViT image tower (vit_tiny_patch16_224's
# architecture, random init) and a 2-layer BERT text tower with a WordPiece tokenizer of the toy
# words (data/toy/bert_tokenizer, written by tools/dataset_converters/write_toy_world.py), built
# through open_clip as TextSup-Tiny-Timm-BERT; otherwise as toy_pretrain.py (LoDA M^I 5 / M^T 1).
# The real towers: pretrain_vit_s16.py / pretrain_vit_b16.py.
_base_ = ['./toy_pretrain.py']
clip_name = 'TextSup-Tiny-Timm-BERT'
toy_tokenizer = 'data/toy/bert_tokenizer'
work_dir = 'work_dirs/simseg_toy_official_towers'
model = dict(
    backbone=dict(model_name=clip_name),
    text_tower=dict(model_name=clip_name, hf_tokenizer=toy_tokenizer))
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadToySample', with_seg=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='TokenizeCaption', model_name=clip_name, hf_tokenizer=toy_tokenizer),
    dict(type='PackImageTextInputs'),
]))
custom_hooks = [dict(type='SkippedSamplesHook', interval=325)]
