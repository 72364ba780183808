# SimSeg ViT-B/16 LoDA pre-training; otherwise as pretrain_vit_s16.py.
_base_ = ['./pretrain_vit_s16.py']
model = dict(image_encoder=dict(model_name='ViT-B-16'), text_encoder=dict(model_name='ViT-B-16'))
