# SimSeg ViT-B/16 LoDA pre-training (timm's vit_base_patch16_224.augreg_in21k + BERT); otherwise as
# pretrain_vit_s16.py.
_base_ = ['./pretrain_vit_s16.py']
clip_name = 'SimSeg-ViT-B-16-BERT'
model = dict(backbone=dict(model_name=clip_name), text_tower=dict(model_name=clip_name))
