# SimSeg ViT-B/16 zero-shot segmentation; otherwise as voc21.py.
_base_ = ['./voc21.py']
model = dict(image_encoder=dict(model_name='ViT-B-16'), text_encoder=dict(model_name='ViT-B-16'))
