# CASS ViT-B/16 on voc21 under CASS's protocol (model base): its configs/cfg_voc21.py settings; the whole image
# (slide_crop=0).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/cass_vit_b16.py',
    '../_base_/datasets/voc21.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    bg_threshold=0.1, vocabulary_has_background=True,
    test_cfg=dict(mode='whole'),
    decode_head=dict(global_weight=0.1, mean_vector_weight=0.03, cluster_threshold=0.1,
                     text_encoder=dict(vocabulary='sclip_voc21')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
