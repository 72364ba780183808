# SegCLIP toy loss ablation in the region_attention='self' set-up: contrastive loss only; otherwise
# as toy_pretrain_region_self.py.
_base_ = ['./toy_pretrain_region_self.py']
work_dir = 'work_dirs/segclip_toy_region_self_contrastive'
model = dict(reconstruction=None, superpixel_kl=None)
