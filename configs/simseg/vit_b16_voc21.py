# SimSeg ViT-B/16 zero-shot segmentation; otherwise as voc21.py.
_base_ = ['./voc21.py']
clip_name = 'SimSeg-ViT-B-16-BERT'
model = dict(backbone=dict(model_name=clip_name), text_tower=dict(model_name=clip_name))
