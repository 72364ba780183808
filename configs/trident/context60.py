# Trident ViT-B/16 on context60 under Trident's protocol (model base): its configs/cfg_context60.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/trident_vit_b16.py',
    '../_base_/datasets/context60.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    refinement=dict(coarse_thresh=0.15),
    bg_threshold=0.15, vocabulary_has_background=True,
    decode_head=dict(text_encoder=dict(vocabulary='proxyclip_context60')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.trident_test_pipeline_576}}))
val_dataloader = test_dataloader
