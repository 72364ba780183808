# SegCLIP toy loss ablation in the region_attention='self' set-up: contrastive loss only; otherwise
# as toy_pretrain_region_self.py.
_base_ = ['./toy_pretrain_region_self.py']
work_dir = 'work_dirs/segclip_toy_region_self_contrastive'
model = dict(reconstruction=None, superpixel_kl=None)
# no superpixels to compute (~9 ms per toy image in the loader): the plain toy pair pipeline
train_dataloader = dict(dataset=dict(pipeline={{_base_.pair_pipeline}}))
