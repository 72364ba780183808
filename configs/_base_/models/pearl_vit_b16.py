# PEARL ViT-B/16 under its own protocol (github.com/PGSmall/PEARL, pearl_ovss.py and configs/cfg_*.py):
# CLIP's last block in the 'reduced' architecture (no residual, no FFN) with Procrustes-aligned keys
# (pa_attn, alpha_kk 0.08), position embeddings resized by scale factor, and the text-aware propagation
# of the logits at the original image size (TLP, grid 80) before the softmax; the rest is SCLIP's
# protocol, which PEARL keeps (maskclip_vit_b16_sclip_protocol.py: CLIP's tower, SCLIP's class files with
# synonyms fused by the max of their probabilities, the 80 templates, logit scale 40, 224 x 224 windows
# with stride 112, short side 336). Leaf configs give the dataset and its thresholds.
_base_ = ['./maskclip_vit_b16_sclip_protocol.py']
model = dict(
    backbone=dict(dense_mode=dict(_delete_=True, type='pearl', alpha_kk=0.08), pos_embed_by_scale_factor=True),
    refiner=dict(type='PEARLPropagation', grid=80, logit_scale=40.0))
