# SCLIP ViT-B/16 on voc20: CLIP's last block with correlative self-attention (softmax(q q^T) +
# softmax(k k^T), residual and FFN kept), position embeddings resized by scale factor, under SCLIP's
# own protocol (its configs/cfg_*.py: class file, logit scale, probability / area thresholds,
# short side, 224 windows with stride 112; see ../maskclip/slide_voc20.py).
_base_ = ['../maskclip/slide_voc20.py']
model = dict(backbone=dict(dense_mode='sclip', pos_embed_by_scale_factor=True))
