# SimSeg with open_clip ViT-B/16 towers; otherwise as simseg_vit_s16.py.
_base_ = ['./simseg_vit_s16.py']
model = dict(image_encoder=dict(model_name='ViT-B-16'), text_encoder=dict(model_name='ViT-B-16'))
