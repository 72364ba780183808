# S-Seg on the toy world with the image embedding pooled after the projection (the mean of the
# mask embeddings) instead of the paper's MLP(mean of mask features); otherwise as toy_pretrain.py.
_base_ = ['./toy_pretrain.py']
work_dir = 'work_dirs/sseg_toy_project_then_mean'
model = dict(backbone=dict(pool='project_then_mean'))
