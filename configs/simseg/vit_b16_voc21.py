# SimSeg ViT-B/16 zero-shot segmentation; otherwise as voc21.py.
_base_ = ['./voc21.py']
clip_name = 'SimSeg-ViT-B-16-BERT'
model = dict(image_encoder=dict(model_name=clip_name), text_encoder=dict(model_name=clip_name))
