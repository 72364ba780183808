# SegCLIP toy loss ablation: contrastive loss only; otherwise (data, budget, learning rates) as toy_pretrain.py.
_base_ = ['./toy_pretrain.py']
work_dir = 'work_dirs/segclip_toy_contrastive'
model = dict(reconstruction=None, superpixel_kl=None)
