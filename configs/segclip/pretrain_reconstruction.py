# SegCLIP loss ablation (Table 1), contrastive + reconstruction (no superpixel KL); otherwise as pretrain.py.
_base_ = ['./pretrain.py']
model = dict(superpixel_kl=None)
