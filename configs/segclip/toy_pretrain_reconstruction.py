# SegCLIP toy loss ablation: contrastive + reconstruction; otherwise (data, budget, learning rates) as toy_pretrain.py.
_base_ = ['./toy_pretrain.py']
work_dir = 'work_dirs/segclip_toy_reconstruction'
model = dict(superpixel_kl=None)
# no superpixels to compute (~9 ms per toy image in the loader): the plain toy pair pipeline
train_dataloader = dict(dataset=dict(pipeline={{_base_.pair_pipeline}}))
