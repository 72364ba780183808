# PEARL ViT-B/16 on coco_object under PEARL's protocol (model base), its configs/cfg_coco_object.py:
# probability threshold 0.1.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/pearl_vit_b16.py',
    '../_base_/datasets/coco_object.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    bg_threshold=0.1, vocabulary_has_background=True,
    decode_head=dict(text_encoder=dict(vocabulary='sclip_coco_object')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
