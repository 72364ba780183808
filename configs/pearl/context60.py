# PEARL ViT-B/16 on context60 under PEARL's protocol (model base), its configs/cfg_context60.py:
# probability threshold 0.1.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/pearl_vit_b16.py',
    '../_base_/datasets/context60.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    bg_threshold=0.1, vocabulary_has_background=True,
    decode_head=dict(text_encoder=dict(vocabulary='sclip_context60')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
