# SegCLIP toy loss ablation: contrastive + superpixel KL; otherwise (data, budget, learning rates) as toy_pretrain.py.
_base_ = ['./toy_pretrain.py']
work_dir = 'work_dirs/segclip_toy_superpixel_kl'
model = dict(reconstruction=None)
