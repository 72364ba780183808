# SimSeg ViT-B/16 zero-shot segmentation; otherwise as context60.py.
_base_ = ['./context60.py']
clip_name = 'SimSeg-ViT-B-16-BERT'
model = dict(backbone=dict(model_name=clip_name), text_tower=dict(model_name=clip_name))
