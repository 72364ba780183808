# Trident ViT-B/16 on voc21 under Trident's protocol (model base): its configs/cfg_voc21.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/trident_vit_b16.py',
    '../_base_/datasets/voc21.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    refinement=dict(coarse_thresh=0.2),
    bg_threshold=0.2, vocabulary_has_background=True,
    decode_head=dict(text_encoder=dict(vocabulary='proxyclip_voc21')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.proxyclip_test_pipeline_448}}))
val_dataloader = test_dataloader
