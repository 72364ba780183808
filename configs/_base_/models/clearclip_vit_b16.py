# ClearCLIP ViT-B/16 under its own protocol (github.com/mc-lan/ClearCLIP, clearclip_segmentor.py and
# configs/cfg_*.py): CLIP's last block with q-q attention, no residual and no FFN, position embeddings
# resized by scale factor; CLIP's tower, class files fused by the max of their synonyms' probabilities
# and the 80 templates as in SCLIP's protocol (maskclip_vit_b16_sclip_protocol.py), but logit scale 50,
# 448 x 448 windows with stride 224 and the short side 448 for every dataset. Leaf configs give the
# dataset, its class file and its probability threshold.
_base_ = ['./maskclip_vit_b16_sclip_protocol.py']
model = dict(
    backbone=dict(dense_mode='clearclip', pos_embed_by_scale_factor=True),
    decode_head=dict(logit_scale=50.0),
    test_cfg=dict(mode='slide', crop_size=(448, 448), stride=(224, 224)))
clearclip_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 448), keep_ratio=True),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]
