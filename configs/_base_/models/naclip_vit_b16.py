# NACLIP ViT-B/16 under its own protocol (github.com/sinahmr/NACLIP, naclip.py and configs/cfg_*.py):
# CLIP's last block with k-k attention logits plus a Gaussian neighbourhood (std 5), no residual and no
# FFN ('reduced' architecture), position embeddings resized by scale factor; the rest is SCLIP's
# protocol (see maskclip_vit_b16_sclip_protocol.py: CLIP's tower, SCLIP's class files, 80 templates,
# logit scale 40, 224 windows with stride 112, short side 336), with PAMR (10 steps, dilations 8 and
# 16) on the logits at the original image size, as NACLIP's published results. Leaf configs give the
# dataset and its probability threshold; VOC runs on the whole image.
_base_ = ['./maskclip_vit_b16_sclip_protocol.py']
model = dict(
    backbone=dict(dense_mode=dict(_delete_=True, type='naclip', std=5.0), pos_embed_by_scale_factor=True),
    refiner=dict(type='PAMR', steps=10, dilations=(8, 16)))
