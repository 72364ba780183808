# SegCLIP loss ablation (Table 1), contrastive + superpixel KL (no reconstruction); otherwise as pretrain.py.
_base_ = ['./pretrain.py']
model = dict(reconstruction=None)
