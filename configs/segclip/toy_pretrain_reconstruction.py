# SegCLIP toy loss ablation: contrastive + reconstruction; otherwise (data, budget, learning rates) as toy_pretrain.py.
_base_ = ['./toy_pretrain.py']
work_dir = 'work_dirs/segclip_toy_reconstruction'
model = dict(superpixel_kl=None)
