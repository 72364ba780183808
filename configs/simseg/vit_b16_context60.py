# SimSeg ViT-B/16 zero-shot segmentation; otherwise as context60.py.
_base_ = ['./context60.py']
model = dict(image_encoder=dict(model_name='ViT-B-16'), text_encoder=dict(model_name='ViT-B-16'))
