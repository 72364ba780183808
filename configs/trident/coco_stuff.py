# Trident ViT-B/16 on coco_stuff under Trident's protocol (model base): its configs/cfg_coco_stuff164k.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/trident_vit_b16.py',
    '../_base_/datasets/coco_stuff164k.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    refinement=dict(coarse_thresh=0.05),
    decode_head=dict(text_encoder=dict(vocabulary='proxyclip_coco_stuff171')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.proxyclip_test_pipeline_448}}))
val_dataloader = test_dataloader
