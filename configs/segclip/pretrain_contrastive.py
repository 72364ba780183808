# SegCLIP loss ablation (Table 1), contrastive loss only; otherwise as pretrain.py.
_base_ = ['./pretrain.py']
model = dict(reconstruction=None, superpixel_kl=None)
