# SimSeg ViT-B/16 zero-shot segmentation; otherwise as context60.py.
_base_ = ['./context60.py']
clip_name = 'SimSeg-ViT-B-16-BERT'
model = dict(image_encoder=dict(model_name=clip_name), text_encoder=dict(model_name=clip_name))
