# ProxyCLIP ViT-B/16 under its own protocol (github.com/mc-lan/ProxyCLIP, proxyclip_segmentor.py and
# configs/cfg_*.py): CLIP's last attention replaced by DINO ViT-B/8's patch similarity (beta 1.2,
# gamma 3.0; the input re-normalised to ImageNet statistics for DINO), position embeddings resized by
# scale factor (CLIP's, and DINO's as torch.hub's DINO of the official code does); CLIP's tower, the 80
# templates, synonyms fused by the max of their probabilities and logit scale 40 as in SCLIP's
# protocol (maskclip_vit_b16_sclip_protocol.py), 336 x 336 windows with stride 112, short side 336.
# DINO's official weights (dino_vitbase8_pretrain.pth, or 'timm' for timm's copy) load in init_weights.
# Leaf configs give the dataset, its class file and probability threshold.
_base_ = ['./maskclip_vit_b16_sclip_protocol.py']
dino_checkpoint = 'checkpoints/dino_vitbase8_pretrain.pth'
model = dict(
    backbone=dict(
        type='ProxyCLIPVision', pos_embed_by_scale_factor=True,
        vfm=dict(type='TimmViTTokens', model_name='vit_base_patch8_224.dino', pretrained=dino_checkpoint,
                 pos_embed_by_scale_factor=True)),
    test_cfg=dict(mode='slide', crop_size=(336, 336), stride=(112, 112)))
proxyclip_test_pipeline_448 = [  # ADE20K and Cityscapes: short side 448
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 448), keep_ratio=True),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]
