# Trident ViT-B/16 on context59 under Trident's protocol (model base): its configs/cfg_context59.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/trident_vit_b16.py',
    '../_base_/datasets/context59.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    refinement=dict(coarse_thresh=0.15),
    decode_head=dict(text_encoder=dict(vocabulary='proxyclip_context59')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.trident_test_pipeline_576}}))
val_dataloader = test_dataloader
