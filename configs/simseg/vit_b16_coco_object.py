# SimSeg ViT-B/16 zero-shot segmentation; otherwise as coco_object.py.
_base_ = ['./coco_object.py']
model = dict(image_encoder=dict(model_name='ViT-B-16'), text_encoder=dict(model_name='ViT-B-16'))
